/** Every workflow the orchestrator registers. */
export { ensureService } from './ensure-service';
export { rollingUpdate } from './rolling-update';
