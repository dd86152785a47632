import type Docker from 'dockerode';
import { createContainerActivities } from './docker/containers';
import { createHealthActivities } from './docker/health';
import { createImageActivities } from './docker/images';
import { createNetworkActivities } from './docker/networks';
import { createRemediationActivities } from './docker/remediation';

/** Every activity a host agent registers, bound to its Docker Engine. Workflows type their proxies
 * with `HostActivities` and never import this module's code. */
export function createHostActivities(docker: Docker, hostId: string) {
  return {
    ...createContainerActivities(docker, hostId),
    ...createHealthActivities(docker),
    ...createImageActivities(docker),
    ...createNetworkActivities(docker),
    ...createRemediationActivities(docker),
  };
}
export type HostActivities = ReturnType<typeof createHostActivities>;

/** Activities that need no host (notifications): the orchestrator runs them beside the workflows. */
export { createNotifierActivities, type NotifierActivities } from './notify/notifier';
export { createEventActivities, type EventActivities } from './events/publish';
