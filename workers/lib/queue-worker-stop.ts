import type { Worker } from 'bullmq';

/**
 * The jobs a BullMQ worker's processor is running, counted by the processor itself: the stop waits
 * for them without asking Redis (see stopQueueWorker).
 */
export class JobsInFlight {
  private running = 0;
  private waiters: Array<() => void> = [];

  /** The processor, counted while it runs. */
  counted<A extends unknown[], R>(processor: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      this.running++;
      try {
        return await processor(...args);
      } finally {
        if (--this.running === 0) for (const done of this.waiters.splice(0)) done();
      }
    };
  }

  /** Resolves once no job runs. */
  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Stops a worker gracefully: it takes no new job, the jobs it runs finish, then it closes. Not BullMQ's
 * own graceful `close()`: that waits for its blocking connection to end, and ioredis never ends a
 * connection asked to disconnect while it reconnects (redis/ioredis#1247) — a trigger stopped while
 * its Redis was gone or failing over waited for ever. The caller bounds the wait for the jobs.
 */
export async function stopQueueWorker(worker: Worker, jobs: JobsInFlight): Promise<void> {
  await worker.pause(true); // no new job; does not wait (that wait is the one that hangs)
  await jobs.idle();
  await worker.close(true);
}
