import type Docker from 'dockerode';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../common/errors';
import { Labels, OWNED_CONTAINER_LABELS } from '../../common/labels';
import type { CleanupItem, CleanupOutcome } from '../../common/remediation/cleanup';
import { engineCall } from './engine-errors';
import { containerIfAny } from './inspect-if-any';
import { ownerOfContainer } from './ownership';

const STOPPED = ['created', 'exited', 'dead'];

export function createCleanupItemActivities(docker: Docker) {
  return {
    /** What a clean-up would remove: stopped containers, unused networks and dangling images whose labels
     * match every filter (containers also need Dockhand's spec hash: see OWNED_CONTAINER_LABELS), left
     * alone for at least `minAgeMs` (a container stopped minutes ago may be a deploy's rollback
     * target). The filters must include Dockhand's ownership label, so nothing that is not Dockhand's
     * is ever listed. Read-only. */
    async listCleanupCandidates({
      labels,
      minAgeMs = 0,
    }: {
      labels: string[];
      minAgeMs?: number;
    }): Promise<CleanupItem[]> {
      if (!labels.includes(`${Labels.managed}=true`))
        throw ApplicationFailure.nonRetryable(
          `labels: must include ${Labels.managed}=true (only Dockhand's own objects are cleaned up)`,
          ErrorType.BadSpec,
        );
      const filters = (extra: Record<string, string[]>, own: string[] = []) =>
        JSON.stringify({ label: [...new Set([...labels, ...own])], ...extra });
      const oldEnough = (sinceMs: number) => Date.now() - sinceMs >= minAgeMs;
      const items: CleanupItem[] = [];
      const containers = (await engineCall('list containers', () =>
        docker.listContainers({ all: true, filters: filters({ status: STOPPED }, OWNED_CONTAINER_LABELS) } as object),
      ))!;
      for (const c of containers) {
        const info = await containerIfAny(docker, c.Id);
        if (!info || !oldEnough(leftAloneSince(info))) continue;
        // Labels inherited from an image prove nothing (L10): the image must not have lent them.
        const owner = await ownerOfContainer(docker, info);
        if (owner === undefined) continue;
        items.push({
          kind: 'container',
          id: c.Id,
          name: info.Name.replace(/^\//, ''),
          detail: c.Status || c.State,
          ...(owner ? { service: owner } : {}),
        });
      }
      const networks = (await engineCall('list networks', () =>
        docker.listNetworks({ filters: filters({}) } as object),
      ))!;
      for (const n of networks) {
        // The list leaves Containers empty: only an inspect says whether a container is attached.
        const info = await engineCall(`inspect network ${n.Name}`, () => docker.getNetwork(n.Id).inspect(), [404]);
        if (!info || Object.keys(info.Containers ?? {}).length > 0 || !oldEnough(Date.parse(info.Created))) continue;
        items.push({ kind: 'network', id: n.Id, name: n.Name, detail: 'no container attached' });
      }
      const images = (await engineCall('list images', () =>
        docker.listImages({ filters: filters({ dangling: ['true'] }) } as object),
      ))!;
      for (const i of images)
        if (oldEnough(i.Created * 1000))
          items.push({ kind: 'image', id: i.Id, name: i.Id.replace(/^sha256:/, '').slice(0, 12), detail: 'dangling' });
      return items.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
    },

    /** Removes one listed item, never by force. Twice: already gone is fine (outcome "gone"); a
     * container running again, a network or an image in use is skipped with the engine's reason. */
    async removeCleanupItem({ item, minAgeMs }: { item: CleanupItem; minAgeMs?: number }): Promise<CleanupOutcome> {
      // Checked again now, not only when listed (an approval can take half an hour — review M4): a
      // container started and stopped again since, or no longer provably Dockhand's, stays.
      if (item.kind === 'container' && minAgeMs !== undefined) {
        const info = await engineCall(
          `inspect container ${item.name}`,
          () => docker.getContainer(item.id).inspect(),
          [404],
        );
        if (!info) return { item, outcome: 'gone' };
        if (info.State.Running) return { item, outcome: 'skipped', reason: 'it is running again' };
        if (Date.now() - leftAloneSince(info) < minAgeMs)
          return {
            item,
            outcome: 'skipped',
            reason: `it was started or stopped again less than ${minAgeMs / 60_000} min ago`,
          };
        if ((await ownerOfContainer(docker, info)) === undefined)
          return { item, outcome: 'skipped', reason: "it no longer carries Dockhand's ownership labels" };
      }
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
        if (e instanceof ApplicationFailure && e.type === ErrorType.Conflict)
          return { item, outcome: 'skipped', reason: e.message };
        throw e;
      }
    },
  };
}
export type CleanupItemActivities = ReturnType<typeof createCleanupItemActivities>;

/** When a container was last touched: made, or stopped (a never-started one has no finish time). */
function leftAloneSince(info: Docker.ContainerInspectInfo): number {
  return Math.max(Date.parse(info.Created), Date.parse(info.State.FinishedAt) || 0);
}
