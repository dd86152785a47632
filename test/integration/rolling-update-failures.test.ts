import { describe, expect, it } from 'vitest';
import { expectedReplicas, useRolloutWorld } from '../support/rollout';

const { newService } = useRolloutWorld('rollfail');

describe('rollingUpdate failures: stop at the first batch, put every changed replica back', () => {
  it('a broken image (never healthy) stops at the first batch and rolls back: all v1, healthy', async () => {
    const app = newService('broken');
    await app.roll('v1', { replicas: 4, parallelism: 4, monitor: 0 });
    const result = await app.roll('broken', { parallelism: 1 });
    expect(result).toMatchObject({ outcome: 'rolled-back', updated: [], rolledBack: [`${app.service}-1`] });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ slot: 1, name: `${app.service}-1` });
    expect(result.failures[0]!.reason).toContain('unhealthy');
    expect(result.reason).toContain(`${app.service}-1 failed`);
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 4, 'v1'));
  }, 300_000);

  it('a crashing image, start-first with parallelism 2, rolls back the first batch only: all v1, healthy', async () => {
    const app = newService('crash');
    await app.roll('v1', { replicas: 4, parallelism: 4, monitor: 0 });
    const result = await app.roll('crash', { parallelism: 2, order: 'start-first' });
    expect(result).toMatchObject({ outcome: 'rolled-back', updated: [] });
    expect(result.rolledBack.sort()).toEqual([`${app.service}-1`, `${app.service}-2`]);
    expect(result.failures.map((f) => f.slot).sort()).toEqual([1, 2]);
    expect(result.failures[0]!.reason).toContain('exited with code 1');
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 4, 'v1'));
  }, 300_000);
  // A pause and a rollback signal while paused: test/unit/rollout/rolling-update-workflow.test.ts (seconds).
});
