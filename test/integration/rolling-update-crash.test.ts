import { describe, expect, it } from 'vitest';
import { rollingUpdateStatusQuery } from '../../common/rolling-update';
import { rolloutOutcome } from '../../client/rolling-update';
import { expectedReplicas, useRolloutWorld, waitFor } from '../support/rollout';
import { startWorker } from '../support/workers';

const world = useRolloutWorld('rollcrash');
const { ids, newService } = world;

describe('rollingUpdate survives crashes mid-batch: exactly N replicas, all on v2', () => {
  it('SIGKILL of the host agent during the second batch', async () => {
    const app = newService('agentkill');
    await app.roll('v1', { replicas: 5, parallelism: 5, monitor: 0 });
    const handle = await app.start('v2', { parallelism: 1 });
    await waitFor(
      async () => (await handle.query(rollingUpdateStatusQuery)).currentBatch === 2,
      150_000,
      'second batch',
    );
    await world.workers.agent.crash();
    world.workers.agent = startWorker('host-agent', ids);
    await world.workers.agent.ready;
    const result = await rolloutOutcome(handle);
    expect(result).toMatchObject({
      outcome: 'updated',
      updated: expectedReplicas(app.service, 5, 'v2').map((r) => r.name),
      rolledBack: [],
    });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 5, 'v2'));
  }, 300_000);

  it('SIGKILL of the orchestrator during the second batch (start-first)', async () => {
    const app = newService('orchkill');
    await app.roll('v1', { replicas: 5, parallelism: 5, monitor: 0 });
    const handle = await app.start('v2', { parallelism: 1, order: 'start-first' });
    await waitFor(
      async () => (await handle.query(rollingUpdateStatusQuery)).currentBatch === 2,
      150_000,
      'second batch',
    );
    await world.workers.orchestrator.crash();
    world.workers.orchestrator = startWorker('orchestrator', ids);
    await world.workers.orchestrator.ready;
    const result = await rolloutOutcome(handle);
    expect(result).toMatchObject({
      outcome: 'updated',
      updated: expectedReplicas(app.service, 5, 'v2').map((r) => r.name),
      rolledBack: [],
    });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 5, 'v2'));
  }, 300_000);
});
