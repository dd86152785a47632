import type Docker from 'dockerode';
import { Labels, OWNED_CONTAINER_LABELS } from '../../common/labels';
import type { CleanupInput, CleanupResult } from '../../common/docker-activities';
import { engineCall } from './engine-errors';
import { unusedNetworks } from './networks';

const STOPPED = ['created', 'exited', 'dead'];

export function createCleanupActivities(docker: Docker) {
  return {
    /** Removes what Dockhand left behind — stopped containers, dangling images and unused networks
     * carrying its labels (one service's when `service` is given); volumes only with `volumes: true`.
     * `dryRun` lists without removing. Twice: the second run finds nothing left. Nothing without
     * Dockhand's labels is ever listed or touched (containers also need the spec hash: they inherit
     * their image's labels). */
    async cleanupDockhand({ service, dryRun = false, volumes = false }: CleanupInput = {}): Promise<CleanupResult> {
      const owned = [`${Labels.managed}=true`, ...(service ? [`${Labels.service}=${service}`] : [])];
      const containers = (await engineCall('list containers', () =>
        docker.listContainers({
          all: true,
          filters: JSON.stringify({ label: [...owned, ...OWNED_CONTAINER_LABELS], status: STOPPED }),
        } as object),
      ))!;
      const plan: CleanupResult = {
        dryRun,
        containers: containers.map((c) => ({ id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), status: c.State })),
        images: [],
        networks: [],
        volumes: [],
      };
      if (!dryRun) {
        // 404 gone already; 409 restarted or being removed by someone else — not garbage now.
        for (const c of plan.containers)
          await engineCall(
            `remove container ${c.name}`,
            () => docker.getContainer(c.id).remove({ v: volumes }),
            [404, 409],
          );
      }
      const images = (await engineCall('list images', () =>
        docker.listImages({ filters: JSON.stringify({ label: owned, dangling: ['true'] }) } as object),
      ))!;
      plan.images = images.map((i) => ({ id: i.Id, tags: [] }));
      plan.networks = (await unusedNetworks(docker, owned)).map((n) => ({ id: n.id, name: n.name }));
      if (volumes) {
        const list = (await engineCall('list volumes', () =>
          docker.listVolumes({ filters: JSON.stringify({ label: owned, dangling: ['true'] }) } as object),
        ))!;
        plan.volumes = (list.Volumes ?? []).map((v) => v.Name);
      }
      if (!dryRun) {
        for (const i of plan.images)
          await engineCall(`remove image ${i.id}`, () => docker.getImage(i.id).remove(), [404, 409]);
        for (const n of plan.networks)
          await engineCall(`remove network ${n.name}`, () => docker.getNetwork(n.id).remove(), [403, 404]);
        for (const v of plan.volumes)
          await engineCall(`remove volume ${v}`, () => docker.getVolume(v).remove(), [404, 409]);
      }
      return plan;
    },
  };
}
