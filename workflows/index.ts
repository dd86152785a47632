/** Every workflow the orchestrator registers. */
export { ensureService } from './ensure-service';
export { securityScan } from './security-scan';
