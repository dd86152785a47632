import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKER_RECOVERY } from '../../common/events/queues';
import { redisClients } from '../support/redis-clients';

const { connect, disconnectAll } = redisClients();
afterAll(disconnectAll);

// A trigger worker that dies holding a job (SIGKILL, or Redis restarted under it so the completion was
// never written) leaves the job "active" under a lock nobody renews. Chaos seed 20261203 round 91 found
// one still active 30 s after a Redis kill: with BullMQ's defaults it waits up to a minute.
describe('a job held by a worker that died is processed again soon', { timeout: 60_000 }, () => {
  it('goes back to waiting once its lock lapses and the next worker takes it within 20 s', async () => {
    const name = `dockhand-recovery-${randomBytes(3).toString('hex')}`;
    const queue = new Queue(name, { connection: connect() });
    let held!: () => void;
    const taken = new Promise<void>((r) => (held = r));
    const dying = new Worker(
      name,
      () => {
        held();
        return new Promise(() => undefined); // never finishes: the worker dies first
      },
      { connection: connect(), ...WORKER_RECOVERY },
    );
    await queue.add('engine-event', { n: 1 }, { jobId: 'held-1' });
    await taken;
    // Dies without a word: no lock renewal, no completion, no release (close(true) does not wait).
    await dying.close(true);
    const diedAt = Date.now();
    const processedAt = new Promise<number>((resolve) => {
      const next = new Worker(name, () => Promise.resolve(resolve(Date.now())), {
        connection: connect(),
        ...WORKER_RECOVERY,
      });
      void next.waitUntilReady();
      afterAll(() => next.close());
    });
    const after = (await processedAt) - diedAt;
    expect(after).toBeLessThan(20_000);
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
