import { describe, expect, it } from 'vitest';
import { expectedReplicas, useRolloutWorld } from '../support/rollout';
import { freshGet } from '../../client/fresh-get';

const { newService } = useRolloutWorld('rollscale');

async function version(port: number): Promise<string> {
  return (await freshGet(`http://127.0.0.1:${port}/version`, 10_000)).body.trim();
}

describe('rollingUpdate scales in the same run', () => {
  it('start-first, parallelism 1, and stop-first, parallelism 2, while scaling 3 → 5 → 2', async () => {
    const app = newService('scale');
    await app.roll('v1', { replicas: 3, parallelism: 3, monitor: 0 });
    const up = await app.roll('v2', { replicas: 5, parallelism: 1, order: 'start-first' });
    expect(up).toMatchObject({ outcome: 'updated', removed: [] });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 5, 'v2'));
    const down = await app.roll('v1', { replicas: 2, parallelism: 2 });
    expect(down).toMatchObject({
      outcome: 'updated',
      updated: [`${app.service}-1`, `${app.service}-2`],
      removed: [3, 4, 5].map((i) => `${app.service}-${i}`),
    });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 2, 'v1'));
    expect(await version(await app.edgePort())).toBe('v1');
  }, 300_000);
});
