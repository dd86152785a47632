import type { MetricMeter } from '@temporalio/common';
import type Docker from 'dockerode';
import { createContainerActivities } from './docker/containers';
import { createHealthActivities } from './docker/health';
import { createImageActivities } from './docker/images';
import { createNetworkActivities } from './docker/networks';
import { createObserveActivities } from './docker/container-observe';
import { createFileActivities } from './docker/container-files';
import { createExecActivities } from './docker/container-exec';
import { createCleanupActivities } from './docker/cleanup';
import { createReplicaActivities } from './docker/replicas';
import { createReplicaLaunchActivities } from './docker/replica-launch';
import { createEdgeContainerActivities } from './traffic/edge-container';
import { createEdgeActivities } from './traffic/edge';
import { createEdgeCanaryActivities } from './traffic/edge-canary';
import { createEdgeCanaryWatchActivities } from './traffic/edge-canary-watch';
import { createScanActivities } from './scan/scan-activities';
import {
  createVulnerabilityActivities,
  trivySettingsFromEnv,
  type TrivySettings,
} from './scan/trivy/image-vulnerabilities';
import { createReportActivities } from './scan/report/report-activities';
import { createServiceContainerActivities } from './docker/service-containers';
import { createEdgeStateActivities } from './traffic/edge-state';
import { createSmokeActivities } from './traffic/smoke';
import { createEdgeDrainActivities } from './traffic/edge-drain';
import { createRemediationActivities } from './docker/remediation';
import { createHardenActivities } from './docker/harden';
import { createCleanupItemActivities } from './docker/cleanup-items';
import { createAgentPresenceActivities } from './hosts/agent-presence';

/** Every activity a host agent registers, bound to its Docker Engine. Workflows type their proxies
 * with `HostActivities` and never import this module's code. */
export function createHostActivities(docker: Docker, hostId: string, trivy: TrivySettings = trivySettingsFromEnv()) {
  return {
    ...createContainerActivities(docker, hostId),
    ...createHealthActivities(docker),
    ...createImageActivities(docker),
    ...createNetworkActivities(docker),
    ...createObserveActivities(docker),
    ...createFileActivities(docker),
    ...createExecActivities(docker),
    ...createCleanupActivities(docker),
    ...createReplicaActivities(docker, hostId),
    ...createReplicaLaunchActivities(docker, hostId),
    ...createEdgeActivities(docker),
    ...createEdgeCanaryActivities(docker),
    ...createEdgeCanaryWatchActivities(docker),
    ...createEdgeContainerActivities(docker, hostId),
    ...createScanActivities(docker),
    ...createVulnerabilityActivities(trivy),
    ...createServiceContainerActivities(docker),
    ...createEdgeStateActivities(docker),
    ...createSmokeActivities(docker),
    ...createEdgeDrainActivities(docker),
    ...createRemediationActivities(docker),
    ...createHardenActivities(docker),
    ...createCleanupItemActivities(docker),
    ...createAgentPresenceActivities(hostId),
  };
}
export type HostActivities = ReturnType<typeof createHostActivities>;

/** Activities the orchestrator runs beside the workflows (no Docker Engine): scan reports. */
export function createOrchestratorActivities(reportsDir: string, meter?: MetricMeter) {
  return {
    ...createReportActivities(reportsDir, meter),
  };
}
export type OrchestratorActivities = ReturnType<typeof createOrchestratorActivities>;

/** Whether a service's change is running (Temporal): clean-up spares its rollback targets. */
export { type ChangeActivities } from './changes/running-changes';
/** Who sent an answer, as Temporal recorded it (read back from the history). */
export { type AnswerIdentityActivities, type AnswerIdentityRequest } from './changes/answer-identity';

/** The host registry (Redis): the orchestrator resolves "all known hosts" with it. */
export { createHostRegistryActivities, type HostRegistryActivities } from './hosts/host-registry';

/** Activities that need no host (notifications, event publishing): the orchestrator runs them too. */
export { createNotifierActivities, type NotifierActivities } from './notify/notifier';
export { createEventActivities, type EventActivities } from './events/publish';
