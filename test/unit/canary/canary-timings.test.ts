import { describe, expect, it } from 'vitest';
import { canaryTimings } from '../../../common/canary-deploy';

describe('canaryTimings', () => {
  it('measures the whole run and the canary from its first weight to the promotion', () => {
    expect(canaryTimings({ startedAt: 1_000, firstWeightAt: 4_000, promotedAt: 10_000, finishedAt: 12_500 })).toEqual({
      totalMs: 11_500,
      canaryMs: 6_000,
      firstWeightAt: '1970-01-01T00:00:04.000Z',
      promotedAt: '1970-01-01T00:00:10.000Z',
    });
  });

  it('counts no canary time when it was promoted before any weight', () => {
    expect(canaryTimings({ startedAt: 0, promotedAt: 2_000, finishedAt: 3_000 })).toEqual({
      totalMs: 3_000,
      canaryMs: 0,
      promotedAt: '1970-01-01T00:00:02.000Z',
    });
  });
});
