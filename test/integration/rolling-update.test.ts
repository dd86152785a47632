import { describe, expect, it } from 'vitest';
import { rollingUpdateStatusQuery } from '../../common/rolling-update';
import { expectedReplicas, useRolloutWorld } from '../support/rollout';
import { freshGet } from '../../client/fresh-get';

const { newService } = useRolloutWorld('roll');

async function version(port: number): Promise<string> {
  return (await freshGet(`http://127.0.0.1:${port}/version`, 10_000)).body.trim();
}

describe('rollingUpdate v1 → v2 (real engine, real Temporal, nginx edge)', () => {
  it('stop-first, parallelism 1, 5 replicas: every replica on v2, healthy, behind the edge; a re-run skips them all', async () => {
    const app = newService('sf');
    const created = await app.roll('v1', { replicas: 5, parallelism: 5, monitor: 0 });
    expect(created).toMatchObject({
      outcome: 'updated',
      updated: expectedReplicas(app.service, 5, 'v1').map((r) => r.name),
      skipped: [],
    });
    expect(await version(await app.edgePort())).toBe('v1');

    const handle = await app.start('v2', { parallelism: 1 });
    const result = await handle.result();
    expect(result).toMatchObject({
      outcome: 'updated',
      updated: expectedReplicas(app.service, 5, 'v2').map((r) => r.name),
      skipped: [],
      rolledBack: [],
      failures: [],
    });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 5, 'v2'));
    expect(await handle.query(rollingUpdateStatusQuery)).toMatchObject({
      phase: 'done',
      done: 5,
      total: 5,
      currentBatch: 5,
      batches: 5,
      failures: [],
    });
    expect(await version(await app.edgePort())).toBe('v2');

    const again = await app.roll('v2');
    expect(again).toMatchObject({
      outcome: 'updated',
      updated: [],
      skipped: expectedReplicas(app.service, 5, 'v2').map((r) => r.name),
    });
  }, 300_000);

  it('start-first, parallelism 2, 5 replicas: the new replica starts beside the old one, then takes its name', async () => {
    const app = newService('stf');
    await app.roll('v1', { replicas: 5, parallelism: 5, monitor: 0 });
    const result = await app.roll('v2', { parallelism: 2, order: 'start-first' });
    expect(result).toMatchObject({
      outcome: 'updated',
      updated: expectedReplicas(app.service, 5, 'v2').map((r) => r.name),
      failures: [],
    });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 5, 'v2'));
    expect(await version(await app.edgePort())).toBe('v2');
  }, 300_000);
});
