import type Docker from 'dockerode';
import { createContainerActivities } from './docker/containers';
import { createHealthActivities } from './docker/health';
import { createImageActivities } from './docker/images';
import { createNetworkActivities } from './docker/networks';
import { createEdgeActivities } from './traffic/edge';
import { createServiceContainerActivities } from './docker/service-containers';
import { createStopActivities } from './docker/stop';
import { createEdgeStateActivities } from './traffic/edge-state';
import { createSmokeActivities } from './traffic/smoke';
import { createEdgeDrainActivities } from './traffic/edge-drain';

/** Every activity a host agent registers, bound to its Docker Engine. Workflows type their proxies
 * with `HostActivities` and never import this module's code. */
export function createHostActivities(docker: Docker, hostId: string) {
  return {
    ...createContainerActivities(docker, hostId),
    ...createHealthActivities(docker),
    ...createImageActivities(docker),
    ...createNetworkActivities(docker),
    ...createEdgeActivities(docker),
    ...createServiceContainerActivities(docker),
    ...createStopActivities(docker),
    ...createEdgeStateActivities(docker),
    ...createSmokeActivities(docker),
    ...createEdgeDrainActivities(docker),
  };
}
export type HostActivities = ReturnType<typeof createHostActivities>;
