import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../common/events/engine-event';
import { eventCursorKey } from '../../common/events/queues';
import { EventPublisher } from '../../workers/lib/event-publisher';
import { docker } from '../support/docker';
import { testQueue, waitFor } from '../support/events';
import { ownRedis } from '../support/redis-server';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';

const ids = testIds('events');
const containers: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  for (const name of containers)
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
});

function agent(hostId: string, queueName: string, env: NodeJS.ProcessEnv = {}): WorkerProcess {
  const w = startWorker(
    'host-agent',
    { ...ids, hostId },
    { DOCKHAND_EVENTS_PUBLISH: '1', DOCKHAND_EVENTS_QUEUE: queueName, ...env },
  );
  cleanups.push(() => w.stop());
  return w;
}

async function startContainer(name: string): Promise<void> {
  containers.push(name);
  const c = await docker.createContainer({ name, Image: 'dockhand-fixture-app:v1', HostConfig: { Init: true } });
  await c.start();
}

/** The queued "start" events of our containers, by container name. */
async function startEvents(q: ReturnType<typeof testQueue>, names: string[]): Promise<Map<string, EngineEvent[]>> {
  const byName = new Map<string, EngineEvent[]>(names.map((n) => [n, []]));
  for (const j of await q.all()) {
    const e = j.data as EngineEvent;
    if (e.action === 'start' && byName.has(e.name!)) byName.get(e.name!)!.push(e);
  }
  return byName;
}

const allPresent = (m: Map<string, EngineEvent[]>) => [...m.values()].every((v) => v.length > 0);

describe('engine events → queue (real engine, real Redis)', () => {
  it('resumes from its last published event after a restart: events emitted meanwhile arrive once', async () => {
    const hostId = `${ids.hostId}-p`;
    const q = testQueue(`dockhand-events-${ids.suffix}-p`);
    cleanups.push(() => q.dispose());
    const publisher = () => {
      const p = new EventPublisher(docker, q.queue, q.connection, hostId);
      return { p, running: p.run() };
    };
    const first = publisher();
    const names = [1, 2, 3, 4].map((i) => `ev-p${i}-${ids.suffix}`);
    await waitFor(
      async () => (await q.connection.get(eventCursorKey(q.queue.name, hostId))) !== null,
      10_000,
      'cursor',
    );
    await startContainer(names[0]!);
    await waitFor(async () => allPresent(await startEvents(q, names.slice(0, 1))), 30_000, 'first event');
    first.p.stop();
    await first.running;

    for (const n of names.slice(1, 3)) await startContainer(n); // emitted while nobody listens
    const second = publisher();
    cleanups.push(async () => (second.p.stop(), await second.running));
    await startContainer(names[3]!);
    const got = await waitFor(
      async () => {
        const m = await startEvents(q, names);
        return allPresent(m) ? m : undefined;
      },
      30_000,
      'every start event',
    );
    for (const n of names) expect(got.get(n), n).toHaveLength(1);
  });

  it('resumes after an agent process crash without duplicating what it had published', async () => {
    const hostId = `${ids.hostId}-a`;
    const q = testQueue(`dockhand-events-${ids.suffix}-a`);
    cleanups.push(() => q.dispose());
    let a = agent(hostId, q.queue.name);
    await a.ready;
    const before = [1, 2].map((i) => `ev-a${i}-${ids.suffix}`);
    for (const n of before) await startContainer(n);
    await waitFor(async () => allPresent(await startEvents(q, before)), 30_000, 'events before the crash');
    const cursorBefore = await q.connection.get(eventCursorKey(q.queue.name, hostId));

    await a.crash();
    a = agent(hostId, q.queue.name);
    await a.ready;
    const after = `ev-a3-${ids.suffix}`;
    await startContainer(after);
    const got = await waitFor(
      async () => {
        const m = await startEvents(q, [...before, after]);
        return allPresent(m) ? m : undefined;
      },
      30_000,
      'the event after the restart',
    );
    // The restart replayed from the stored cursor (inclusive) and the overlap was de-duplicated.
    for (const n of [...before, after]) expect(got.get(n), n).toHaveLength(1);
    expect(BigInt((await q.connection.get(eventCursorKey(q.queue.name, hostId)))!)).toBeGreaterThan(
      BigInt(cursorBefore!),
    );
    const ids_ = (await q.all()).map((j) => j.id);
    expect(new Set(ids_).size).toBe(ids_.length);
  });

  it('loses no event when Redis is killed mid-stream and comes back (append-only)', async () => {
    const redis = await ownRedis();
    cleanups.push(() => redis.kill());
    const hostId = `${ids.hostId}-r`;
    const queueName = `dockhand-events-${ids.suffix}-r`;
    const a = agent(hostId, queueName, { REDIS_URL: redis.url });
    await a.ready;
    const names = Array.from({ length: 9 }, (_, i) => `ev-r${i}-${ids.suffix}`);
    let q = testQueue(queueName, redis.url);
    for (const n of names.slice(0, 3)) await startContainer(n);
    await waitFor(
      async () => allPresent(await startEvents(q, names.slice(0, 3))),
      30_000,
      'events before the Redis crash',
    );
    await q.close();

    await redis.kill();
    for (const n of names.slice(3, 6)) await startContainer(n); // published when Redis is back
    await redis.start();
    for (const n of names.slice(6)) await startContainer(n);

    q = testQueue(queueName, redis.url);
    cleanups.push(() => q.dispose());
    const got = await waitFor(
      async () => {
        const m = await startEvents(q, names);
        return allPresent(m) ? m : undefined;
      },
      60_000,
      'every start event after the Redis restart',
    );
    for (const n of names) expect(got.get(n), n).toHaveLength(1);
  });
});
