/** Every workflow the orchestrator registers. */
export { ensureService } from './ensure-service';
export { restartUnhealthy } from './remediate-restart-unhealthy';
export { memoryPressure } from './remediate-memory-pressure';
export { healthSweep } from './remediate-health-sweep';
