import { describe, expect, it } from 'vitest';
import type { ReplicaInfo } from '../../../common/rolling-update';
import {
  chunk,
  failureLimitExceeded,
  planRollout,
  restoreBatches,
  rollbackBatches,
  targetCount,
} from '../../../workflows/lib/rollout-plan';

const r = (
  name: string,
  slot: number,
  specHash: string,
  running = true,
  health: string | undefined = 'healthy',
): ReplicaInfo => ({ name, slot, specHash, image: 'app', running, health });
const target = { 1: 'h1', 2: 'h2', 3: 'h3', 4: 'h4', 5: 'h5' };

describe('planRollout', () => {
  it('updates every replica on another spec, in slot order, in batches of parallelism', () => {
    const existing = [r('web-1', 1, 'old'), r('web-2', 2, 'old'), r('web-3', 3, 'old')];
    expect(planRollout('web', existing, 3, 2, target)).toEqual({
      total: 3,
      skip: [],
      batches: [[1, 2], [3]],
      scaleDown: [],
      live: ['web-1', 'web-2', 'web-3'],
      leftovers: [],
    });
  });

  it('skips replicas already on the target spec and healthy; an unhealthy or stopped one is redone', () => {
    const existing = [
      r('web-1', 1, 'h1'),
      r('web-2', 2, 'h2', true, 'unhealthy'),
      r('web-3', 3, 'h3', false, undefined),
      r('web-4', 4, 'old'),
      r('web-5', 5, 'h5', true, undefined),
    ];
    expect(planRollout('web', existing, 5, 1, target)).toEqual({
      total: 5,
      skip: [1, 5],
      batches: [[2], [3], [4]],
      scaleDown: [],
      live: ['web-1', 'web-4', 'web-5'],
      leftovers: [],
    });
  });

  it('scales up (new slots are updated like the others) and down (extra slots are removed at the end)', () => {
    const existing = [r('web-1', 1, 'old'), r('web-2', 2, 'h2')];
    expect(planRollout('web', existing, 4, 2, target)).toEqual({
      total: 4,
      skip: [2],
      batches: [[1, 3], [4]],
      scaleDown: [],
      live: ['web-1', 'web-2'],
      leftovers: [],
    });
    const many = [r('web-1', 1, 'h1'), r('web-2', 2, 'old'), r('web-3', 3, 'old'), r('web-4', 4, 'old')];
    expect(planRollout('web', many, 2, 1, target)).toEqual({
      total: 2,
      skip: [1],
      batches: [[2]],
      scaleDown: [3, 4],
      live: ['web-1', 'web-2', 'web-3', 'web-4'],
      leftovers: [],
    });
  });

  it('lists the -next/-prev companions an interrupted run left behind', () => {
    const existing = [
      r('web-1', 1, 'h1'),
      r('web-1-prev', 1, 'old', false, undefined),
      r('web-2', 2, 'old'),
      r('web-2-next', 2, 'h2'),
    ];
    expect(planRollout('web', existing, 2, 1, target)).toEqual({
      total: 2,
      skip: [1],
      batches: [[2]],
      scaleDown: [],
      live: ['web-1', 'web-2'],
      leftovers: ['web-1-prev', 'web-2-next'],
    });
  });
});

describe('targetCount', () => {
  it('is the asked count, else the number of replicas under their own names, at least one', () => {
    expect(targetCount('web', [r('web-1', 1, 'a'), r('web-1-prev', 1, 'b'), r('web-2', 2, 'a')])).toBe(2);
    expect(targetCount('web', [r('web-1', 1, 'a')], 5)).toBe(5);
    expect(targetCount('web', [])).toBe(1);
  });
});

describe('batches, rollback order and the failure limit', () => {
  it('chunks in order and rolls back in reverse order with the same batch size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(rollbackBatches(['a', 'b', 'c'], 2)).toEqual([['c', 'b'], ['a']]);
  });
  it('is exceeded when failed/total passes the ratio', () => {
    expect(failureLimitExceeded(1, 5, 0)).toBe(true);
    expect(failureLimitExceeded(1, 5, 0.2)).toBe(false);
    expect(failureLimitExceeded(2, 5, 0.2)).toBe(true);
    expect(failureLimitExceeded(0, 5, 0)).toBe(false);
  });
});

describe('restoreBatches: the kept originals of an interrupted run come back a batch at a time', () => {
  const kept = (...slots: number[]) => slots.map((slot) => ({ slot }));
  const slots = (batches: Array<Array<{ slot: number }>>) => batches.map((b) => b.map((r) => r.slot));

  it('in slot order, parallelism at once', () => {
    expect(slots(restoreBatches(kept(3, 1, 2, 4), 2, 5))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('never every replica the edge routes to at once', () => {
    expect(slots(restoreBatches(kept(1, 2, 3), 3, 3))).toEqual([[1, 2], [3]]);
    expect(slots(restoreBatches(kept(1, 2), 5, 2))).toEqual([[1], [2]]);
  });

  it('at least one slot at a time, also with one replica or none serving', () => {
    expect(slots(restoreBatches(kept(1), 4, 1))).toEqual([[1]]);
    expect(slots(restoreBatches(kept(1, 2), 2, 0))).toEqual([[1], [2]]);
  });
});
