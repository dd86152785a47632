import { describe, expect, it } from 'vitest';
import { median, pairedSummary } from '../../../bench/lib/paired-rounds';

describe('paired rounds', () => {
  it('median: the middle value, the mean of the middle two for an even count, never of nothing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of nothing');
  });

  it('the ratio is the median of the per-round ratios, not the ratio of the medians', () => {
    // A slow minute hits both runs of round 2: its ratio stays ordinary.
    const s = pairedSummary([
      { fleet: 4, single: 3 },
      { fleet: 9, single: 7 },
      { fleet: 3.9, single: 2.6 },
    ]);
    expect(s.ratios).toEqual([1.33, 1.29, 1.5]);
    expect(s).toMatchObject({ fleet: 4, single: 3, ratio: 1.33 });
  });
});
