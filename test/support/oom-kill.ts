import type Docker from 'dockerode';
import { docker, removeContainers } from './docker';
import { waitFor } from './wait';

/** What of an OOM kill the engine must have recorded for the test's subject to exist: the `oom` event
 * (what a live host agent reads) or `State.OOMKilled` (what its reconcile reads after downtime). */
export type OomRecord = 'event' | 'state';

const TRIES = 5;

/**
 * Starts containers made by `create(name)` until the engine records one's OOM kill as `record` says,
 * and returns that one. Docker 20.10 on cgroup v1 loses some OOM kills under load: it records the
 * exit (137) before containerd's OOM notice, so `State.OOMKilled` stays false, and at times it emits
 * no `oom` event at all (measured on these machines: 12 of 160 kills with 4 in parallel, 4 of them
 * without the event; moby/moby#18510 is the same race in older engines). What Dockhand cannot see it
 * cannot remediate (docs/events.md), so a test of what Dockhand does with an OOM kill first makes
 * sure the engine saw one. Each retry uses a new name: a lost kill may still replay as an event.
 */
export async function oomKilledContainer(
  name: string,
  record: OomRecord,
  create: (name: string) => Promise<Docker.Container>,
  created: string[],
): Promise<{ container: Docker.Container; name: string }> {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const attemptName = attempt === 1 ? name : `${name}-${attempt}`;
    created.push(attemptName);
    const since = Math.floor(Date.now() / 1000) - 1;
    const container = await create(attemptName);
    await container.start();
    const stopped = await waitFor(() => ended(container), 30_000, `${attemptName} killed by the OOM killer`);
    if (record === 'state' ? stopped === 'oom-state' : await oomEventSeen(container.id, since))
      return { container, name: attemptName };
    console.warn(`the engine lost the OOM kill of ${attemptName} (exit 137, ${record} not recorded); a new container`);
    await removeContainers([attemptName]);
  }
  throw new Error(`the engine recorded none of ${TRIES} OOM kills of ${name}`);
}

/** 'oom-state' / 'exited' once the container stopped, 'removed' once gone (a remediation replaced it). */
async function ended(c: Docker.Container): Promise<'oom-state' | 'exited' | 'removed' | undefined> {
  const info = await c.inspect().catch((err: { statusCode?: number }) => {
    if (err.statusCode === 404) return undefined;
    throw err;
  });
  if (!info) return 'removed';
  if (info.State.Running) return undefined;
  return info.State.OOMKilled ? 'oom-state' : 'exited';
}

/** Whether the engine emitted `oom` for the container; it may come a moment after `die`. */
async function oomEventSeen(id: string, since: number): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const stream = (await docker.getEvents({
      since,
      until: Math.ceil(Date.now() / 1000),
      filters: { container: [id], event: ['oom'] },
    } as Docker.GetEventsOptions)) as unknown as NodeJS.ReadableStream;
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    if (text.trim()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 500));
  }
}
