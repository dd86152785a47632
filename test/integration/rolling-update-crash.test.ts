import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { DockhandConfig } from '../../common/config';
import { rollingUpdateStatusQuery } from '../../common/rolling-update';
import { rolloutOutcome } from '../../client/rolling-update';
import { expectedReplicas, fixtureService, waitFor } from '../support/rollout';
import { testClient } from '../support/temporal';
import { startWorker, startWorkers, testIds } from '../support/workers';

const ids = testIds('rollcrash');
let client: Client;
let config: DockhandConfig;
let workers: Awaited<ReturnType<typeof startWorkers>>;
const services: Array<ReturnType<typeof fixtureService>> = [];
const newService = (name: string) => {
  const s = fixtureService(client, config, `${name}-${ids.suffix}`);
  services.push(s);
  return s;
};

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  workers = await startWorkers(ids);
});
afterAll(async () => {
  await workers?.stop();
  await Promise.all(services.map((s) => s.cleanUp()));
});

describe('rollingUpdate survives crashes mid-batch: exactly N replicas, all on v2', () => {
  it('SIGKILL of the host agent during the second batch', async () => {
    const app = newService('agentkill');
    await app.roll('v1', { replicas: 5, parallelism: 5, monitor: 0 });
    const handle = await app.start('v2', { parallelism: 1 });
    await waitFor(async () => (await handle.query(rollingUpdateStatusQuery)).currentBatch === 2, 150_000, 'second batch');
    await workers.agent.crash();
    workers.agent = startWorker('host-agent', ids);
    await workers.agent.ready;
    const result = await rolloutOutcome(handle);
    expect(result).toMatchObject({ outcome: 'updated', updated: expectedReplicas(app.service, 5, 'v2').map((r) => r.name), rolledBack: [] });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 5, 'v2'));
  }, 300_000);

  it('SIGKILL of the orchestrator during the second batch (start-first)', async () => {
    const app = newService('orchkill');
    await app.roll('v1', { replicas: 5, parallelism: 5, monitor: 0 });
    const handle = await app.start('v2', { parallelism: 1, order: 'start-first' });
    await waitFor(async () => (await handle.query(rollingUpdateStatusQuery)).currentBatch === 2, 150_000, 'second batch');
    await workers.orchestrator.crash();
    workers.orchestrator = startWorker('orchestrator', ids);
    await workers.orchestrator.ready;
    const result = await rolloutOutcome(handle);
    expect(result).toMatchObject({ outcome: 'updated', updated: expectedReplicas(app.service, 5, 'v2').map((r) => r.name), rolledBack: [] });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 5, 'v2'));
  }, 300_000);
});
