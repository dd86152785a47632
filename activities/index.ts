import type Docker from 'dockerode';
import { createContainerActivities } from './docker/containers';
import { createHealthActivities } from './docker/health';
import { createImageActivities } from './docker/images';
import { createNetworkActivities } from './docker/networks';
import { createObserveActivities } from './docker/container-observe';
import { createFileActivities } from './docker/container-files';
import { createExecActivities } from './docker/container-exec';
import { createCleanupActivities } from './docker/cleanup';
import { createEdgeActivities } from './traffic/edge';

/** Every activity a host agent registers, bound to its Docker Engine. Workflows type their proxies
 * with `HostActivities` and never import this module's code. */
export function createHostActivities(docker: Docker, hostId: string) {
  return {
    ...createContainerActivities(docker, hostId),
    ...createHealthActivities(docker),
    ...createImageActivities(docker),
    ...createNetworkActivities(docker),
    ...createObserveActivities(docker),
    ...createFileActivities(docker),
    ...createExecActivities(docker),
    ...createCleanupActivities(docker),
    ...createEdgeActivities(docker),
  };
}
export type HostActivities = ReturnType<typeof createHostActivities>;
