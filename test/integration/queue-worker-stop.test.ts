import { randomBytes } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { afterAll, expect, it } from 'vitest';
import { WORKER_RECOVERY } from '../../common/events/queues';
import { redisClients } from '../support/redis-clients';
import { JobsInFlight, stopQueueWorker } from '../../workers/lib/queue-worker-stop';

const { connect, disconnectAll } = redisClients();
afterAll(disconnectAll);

// The trigger's stop (workers/trigger.ts) no longer uses BullMQ's graceful close (it can wait for ever,
// see queue-worker-stop.ts); what that close gave must still hold: the job being handled finishes and
// is recorded, and nothing new is taken once the stop begins.
it('a stopping worker finishes the job it runs, records it, and takes no other', { timeout: 30_000 }, async () => {
  const name = `dockhand-stop-${randomBytes(3).toString('hex')}`;
  const queue = new Queue(name, { connection: connect() });
  const jobs = new JobsInFlight();
  let taken!: () => void;
  const running = new Promise<void>((r) => (taken = r));
  const handled: string[] = [];
  const worker = new Worker(
    name,
    jobs.counted(async (job: Job) => {
      taken();
      await new Promise((r) => setTimeout(r, 1_000));
      handled.push(job.id!);
      return 'done';
    }),
    { connection: connect(), ...WORKER_RECOVERY },
  );
  await queue.add('engine-event', {}, { jobId: 'first' });
  await running;
  await queue.add('engine-event', {}, { jobId: 'second' });
  const t0 = Date.now();
  await stopQueueWorker(worker, jobs);
  expect(Date.now() - t0).toBeGreaterThan(500); // it waited for the job
  expect(handled).toEqual(['first']);
  expect(await (await queue.getJob('first'))!.getState()).toBe('completed');
  expect(await (await queue.getJob('second'))!.getState()).toBe('waiting');
  await queue.obliterate({ force: true });
  await queue.close();
});
