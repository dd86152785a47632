import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { DockhandConfig } from '../../common/config';
import { rolloutOutcome } from '../../client/rolling-update';
import { expectedReplicas, fixtureService } from '../support/rollout';
import { testClient } from '../support/temporal';
import { startWorkers, testIds } from '../support/workers';
import { loadUntil } from '../../bench/lib/load';

const ids = testIds('rolltraffic');
let client: Client;
let config: DockhandConfig;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let app: ReturnType<typeof fixtureService>;

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  workers = await startWorkers(ids);
  app = fixtureService(client, config, `traffic-${ids.suffix}`);
});
afterAll(async () => {
  await workers?.stop();
  await app?.cleanUp();
});

describe('rollingUpdate traffic through the edge', () => {
  it('start-first roll of 5 replicas: zero failed requests out of ≥ 2,000', async () => {
    await app.roll('v1', { replicas: 5, parallelism: 5, monitor: 0 });
    const url = `http://127.0.0.1:${await app.edgePort()}/version`;
    let done = false;
    const rollout = app.roll('v2', { parallelism: 1, order: 'start-first' }).finally(() => (done = true));
    const load = await loadUntil(url, () => done, { concurrency: 4, minRequests: 2000, ratePerSec: 80 });
    const result = await rollout;
    expect(result.outcome).toBe('updated');
    expect(load.failed).toEqual([]);
    expect(load.total).toBeGreaterThanOrEqual(2000);
    expect(Object.keys(load.bodies).sort()).toEqual(['v1', 'v2']);
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 5, 'v2'));
  }, 300_000);
});
