/** Every workflow the orchestrator registers. */
export { ensureService } from './ensure-service';
export { launchContainers } from './launch-containers';
export { securityScan } from './security-scan';
export { rollingUpdate } from './rolling-update';
export { blueGreenDeploy } from './blue-green';
export { canaryDeploy } from './canary-deploy';
export { restartUnhealthy } from './remediate-restart-unhealthy';
export { memoryPressure } from './remediate-memory-pressure';
export { healthSweep } from './remediate-health-sweep';
export { deployGuardRollback } from './deploy-guard-rollback';
export { remediateHarden } from './remediate-harden';
export { remediateCleanup } from './remediate-cleanup';
export { serviceStatus } from './service-status';
export { pullImage } from './pull-image';
export { serviceLogs } from './service-logs';
