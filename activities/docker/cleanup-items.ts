import type Docker from 'dockerode';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../common/errors';
import { Labels, OWNED_CONTAINER_LABELS } from '../../common/labels';
import type { CleanupItem, CleanupOutcome } from '../../common/remediation/cleanup';
import { engineCall } from './engine-errors';
import { unusedNetworks } from './networks';

const STOPPED = ['created', 'exited', 'dead'];

export function createCleanupItemActivities(docker: Docker) {
  return {
    /** What a clean-up would remove: stopped containers, unused networks and dangling images whose labels
     * match every filter (containers also need Dockhand's spec hash: see OWNED_CONTAINER_LABELS). The caller's filters always include Dockhand's ownership label; this refuses a
     * list without it, so nothing that is not Dockhand's is ever listed. Read-only. */
    async listCleanupCandidates({ labels }: { labels: string[] }): Promise<CleanupItem[]> {
      if (!labels.includes(`${Labels.managed}=true`)) throw ApplicationFailure.nonRetryable(`labels: must include ${Labels.managed}=true (only Dockhand's own objects are cleaned up)`, ErrorType.BadSpec);
      const filters = (extra: Record<string, string[]>, own: string[] = []) => JSON.stringify({ label: [...new Set([...labels, ...own])], ...extra });
      const containers = (await engineCall('list containers', () => docker.listContainers({ all: true, filters: filters({ status: STOPPED }, OWNED_CONTAINER_LABELS) } as object)))!;
      const networks = await unusedNetworks(docker, labels);
      const images = (await engineCall('list images', () => docker.listImages({ filters: filters({ dangling: ['true'] }) } as object)))!;
      return [
        ...containers.map((c) => ({ kind: 'container' as const, id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), detail: c.Status || c.State })),
        ...networks.map((n) => ({ kind: 'network' as const, id: n.id, name: n.name, detail: 'no container attached' })),
        ...images.map((i) => ({ kind: 'image' as const, id: i.Id, name: i.Id.replace(/^sha256:/, '').slice(0, 12), detail: 'dangling' })),
      ].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
    },

    /** Removes one listed item, never by force. Twice: already gone is fine (outcome "gone"); a
     * container running again, a network or an image in use is skipped with the engine's reason. */
    async removeCleanupItem({ item }: { item: CleanupItem }): Promise<CleanupOutcome> {
      const remove = {
        container: () => docker.getContainer(item.id).remove({ force: false, v: false }),
        network: () => docker.getNetwork(item.id).remove(),
        image: () => docker.getImage(item.id).remove({ force: false, noprune: false }),
      }[item.kind];
      try {
        const done = await engineCall(`remove ${item.kind} ${item.name}`, () => remove().then(() => true), [404]);
        return { item, outcome: done ? 'removed' : 'gone' };
      } catch (e) {
        // Conflict: the engine refuses (running, in use); it is not garbage now, so it stays.
        if (e instanceof ApplicationFailure && e.type === ErrorType.Conflict) return { item, outcome: 'skipped', reason: e.message };
        throw e;
      }
    },
  };
}
export type CleanupItemActivities = ReturnType<typeof createCleanupItemActivities>;
