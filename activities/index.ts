import type { MetricMeter } from '@temporalio/common';
import type Docker from 'dockerode';
import * as engineActivities from './engine-activities';
import * as labellingActivities from './labelling-activities';
import {
  createVulnerabilityActivities,
  trivySettingsFromEnv,
  type TrivySettings,
} from './scan/trivy/image-vulnerabilities';
import { createReportActivities } from './scan/report/report-activities';
import { createAgentPresenceActivities } from './hosts/agent-presence';

/** What a module of activity factories makes, all together: one object with every factory's activities. */
type ActivitiesOf<Factories> = UnionToIntersection<
  { [K in keyof Factories]: Factories[K] extends (...args: never[]) => infer A ? A : never }[keyof Factories]
>;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every activity a host agent registers, bound to its Docker Engine: each factory of
 * engine-activities.ts with the engine, each of labelling-activities.ts with the engine and the host's id,
 * the image vulnerability scan with its Trivy settings, and the agent's presence answer (the host's id).
 * Workflows type their proxies with `HostActivities` and never import this module's code. */
export function createHostActivities(docker: Docker, hostId: string, trivy: TrivySettings = trivySettingsFromEnv()) {
  return Object.assign(
    {},
    ...Object.values(engineActivities).map((create) => create(docker)),
    ...Object.values(labellingActivities).map((create) => create(docker, hostId)),
    createVulnerabilityActivities(trivy),
    createAgentPresenceActivities(hostId),
  ) as ActivitiesOf<typeof engineActivities> &
    ActivitiesOf<typeof labellingActivities> &
    ReturnType<typeof createVulnerabilityActivities> &
    ReturnType<typeof createAgentPresenceActivities>;
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
