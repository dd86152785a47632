import { describe, expect, it } from 'vitest';
import { expectedReplicas, useRolloutWorld } from '../support/rollout';
import { loadUntil } from '../../bench/lib/load';

const { newService } = useRolloutWorld('rolltraffic');

describe('rollingUpdate traffic through the edge', () => {
  it('start-first roll of 5 replicas: zero failed requests out of ≥ 2,000', async () => {
    const app = newService('traffic');
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
