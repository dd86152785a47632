import type { Client } from '@temporalio/client';
import { afterAll, beforeAll } from 'vitest';
import type { DockhandConfig } from '../../common/config';
import { testClient } from './temporal';
import { startWorkers, testIds, type WorkerEnvironments } from './workers';

type Workers = Awaited<ReturnType<typeof startWorkers>>;

/**
 * One integration test file's world: unique ids, a Temporal client on the file's own queues, and a
 * real orchestrator and host agent started before the file's tests and stopped after them, then the
 * file's clean-ups. Fields are filled in `beforeAll`; tests read them, never capture them early.
 */
export function useTestWorkers(prefix: string, workerEnv: WorkerEnvironments = {}) {
  const ids = testIds(prefix);
  const cleanUps: Array<() => Promise<unknown>> = [];
  const world = {
    ids,
    client: undefined as unknown as Client,
    config: undefined as unknown as DockhandConfig,
    /** Replaceable: a crash test kills one and puts a new one here, so the file's end stops that. */
    workers: undefined as unknown as Workers,
    /** Runs after the workers stopped; the last registered runs first (a file's own clean-ups before
     * its world's network goes). */
    onCleanUp(fn: () => Promise<unknown>) {
      cleanUps.push(fn);
    },
  };
  beforeAll(async () => {
    ({ client: world.client, config: world.config } = await testClient(ids));
    world.workers = await startWorkers(ids, workerEnv);
  });
  afterAll(async () => {
    await world.workers?.stop();
    for (const fn of cleanUps.reverse()) await fn();
  });
  return world;
}
