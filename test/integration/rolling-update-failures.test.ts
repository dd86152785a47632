import { describe, expect, it } from 'vitest';
import { rollingUpdateStatusQuery } from '../../common/rolling-update';
import { rolloutOutcome } from '../../client/rolling-update';
import { expectedReplicas, useRolloutWorld, waitFor } from '../support/rollout';

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

  it('failureAction pause waits with details, then a rollback signal puts the changed replicas back', async () => {
    const app = newService('pauserb');
    await app.roll('v1', { replicas: 3, parallelism: 3, monitor: 0 });
    const handle = await app.start('crash', { parallelism: 1, failureAction: 'pause' });
    await waitFor(async () => (await handle.query(rollingUpdateStatusQuery)).paused, 150_000, 'paused');
    const status = await handle.query(rollingUpdateStatusQuery);
    expect(status).toMatchObject({
      phase: 'paused',
      paused: true,
      waitingFor: 'resume or rollback',
      currentBatch: 1,
      currentSlots: [1],
      total: 3,
      done: 0,
    });
    expect(status.failures[0]).toMatchObject({ slot: 1 });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.signal('rollback', { by: 'alice', comment: 'crashes at start' });
    const result = await rolloutOutcome(handle);
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      rolledBack: [`${app.service}-1`],
      reason: 'rollback requested by alice: crashes at start',
    });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 3, 'v1'));
  }, 300_000);
});
