import { describe, expect, it } from 'vitest';
import { median, medianInterval, pairedSummary } from '../../../bench/lib/paired-rounds';

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

describe('the interval of the median', () => {
  it('is the whole range of a small run, with the confidence that range has', () => {
    // 7 values: P(all on one side of the median) = 2/128, so [min, max] holds it 98 % of the time.
    expect(medianInterval([1.3, 1.2, 1.5, 1.4, 1.1, 1.35, 1.25])).toEqual({ low: 1.1, high: 1.5, coverage: 0.98 });
    // 5 values cannot reach 95 %: the range, and the 94 % it has.
    expect(medianInterval([5, 1, 4, 2, 3])).toEqual({ low: 1, high: 5, coverage: 0.94 });
  });

  it('narrows to inner order statistics as values accumulate', () => {
    // 49 values 1..49: x(18)..x(32) is the narrowest interval with at least 95 % (95.6 %).
    const xs = Array.from({ length: 49 }, (_, i) => 49 - i);
    expect(medianInterval(xs)).toEqual({ low: 18, high: 32, coverage: 0.96 });
    // 9 values: x(2)..x(8), 96 %.
    expect(medianInterval([9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({ low: 2, high: 8, coverage: 0.96 });
    expect(() => medianInterval([])).toThrow('interval of nothing');
  });

  it('comes with every paired summary', () => {
    const s = pairedSummary([1.3, 1.2, 1.5, 1.4, 1.1, 1.35, 1.25].map((r) => ({ fleet: r * 2, single: 2 })));
    expect(s).toMatchObject({ ratio: 1.3, interval: [1.1, 1.5], coverage: 0.98 });
  });
});
