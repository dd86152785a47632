import { describe, expect, it } from 'vitest';
import { poolFleetRuns } from '../../../bench/fleet-pool';

describe('pooling fleet runs', () => {
  const log = (ratios: number[], docker: number[]) =>
    `[bench] phases:\n${JSON.stringify({ hosts: 3, ratio: 0, ratios, docker_ratios: docker })}\n`;

  it('takes every round of every run as one sample', () => {
    const pooled = poolFleetRuns([log([1.3, 1.2, 1.5], [1.1]), log([1.4, 1.1, 1.35, 1.25], [1.2, 1.3])]);
    expect(pooled).toEqual({
      runs: 2,
      ratio: { rounds: 7, median: 1.3, interval: [1.1, 1.5], coverage: 0.98, at_or_under_1_3: 4 },
      docker_ratio: { rounds: 3, median: 1.2, interval: [1.1, 1.3], coverage: 0.75, at_or_under_1_3: 3 },
    });
  });

  it('names a log without a result line', () => {
    expect(() => poolFleetRuns([log([1.3], []), 'the bench failed'])).toThrow('log 2 has no result line');
  });
});
