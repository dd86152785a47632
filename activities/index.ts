import type Docker from 'dockerode';
import { createContainerActivities } from './docker/containers';
import { createHealthActivities } from './docker/health';
import { createImageActivities } from './docker/images';
import { createNetworkActivities } from './docker/networks';
import { createReplicaActivities } from './docker/replicas';
import { createEdgeActivities } from './traffic/edge';

/** Every activity a host agent registers, bound to its Docker Engine. Workflows type their proxies
 * with `HostActivities` and never import this module's code. */
export function createHostActivities(docker: Docker, hostId: string) {
  return {
    ...createContainerActivities(docker, hostId),
    ...createHealthActivities(docker),
    ...createImageActivities(docker),
    ...createNetworkActivities(docker),
    ...createReplicaActivities(docker, hostId),
    ...createEdgeActivities(docker),
  };
}
export type HostActivities = ReturnType<typeof createHostActivities>;
