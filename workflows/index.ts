/** Every workflow the orchestrator registers. */
export { ensureService } from './ensure-service';
export { blueGreenDeploy } from './blue-green';
