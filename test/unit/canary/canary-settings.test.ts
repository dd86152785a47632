import { describe, expect, it } from 'vitest';
import { canaryPolicy, CanarySettings } from '../../../common/canary';
import { formatIssues } from '../../../common/spec/schema-helpers';

const issues = (v: unknown) => {
  const r = CanarySettings.safeParse(v);
  return r.success ? 'valid' : formatIssues(r.error, 'canary');
};

describe('the service file canary block', () => {
  it('parses thresholds and durations, and fills in the defaults', () => {
    const s = CanarySettings.parse({
      steps: [{ weight: 5, pause: '60s' }, { weight: 25, pause: 60_000, approval: true }, { weight: 100 }],
      successRate: '> 99.5%',
      p99: '< 500ms',
    });
    expect(canaryPolicy(s)).toEqual({
      steps: [
        { weight: 5, pauseMs: 60_000, approval: false },
        { weight: 25, pauseMs: 60_000, approval: true },
        { weight: 100, pauseMs: 0, approval: false },
      ],
      intervalMs: 10_000,
      successRate: { min: 0.995, inclusive: false },
      p99: { maxMs: 500, inclusive: false },
      minRequests: 10,
      failuresAllowed: 0,
    });
  });
  it('names what is wrong', () => {
    expect(issues({ steps: [{ weight: 50 }, { weight: 10 }] })).toBe(
      'canary.steps.1.weight: weights must increase: 10 follows 50',
    );
    expect(issues({ steps: [{ weight: 100 }, { weight: 100 }] })).toBe(
      'canary.steps.0.weight: weight 100 promotes: it must be the last step; canary.steps.1.weight: weights must increase: 100 follows 100',
    );
    expect(issues({ steps: [{ weight: 10 }], successRate: '99' })).toBe(
      'canary.successRate: "99" is not a success rate threshold (use e.g. ">= 99%")',
    );
    expect(issues({ steps: [{ weight: 10 }], p99: '< fast' })).toBe(
      'canary.p99: "< fast" is not a latency threshold (use e.g. "< 500ms")',
    );
    expect(issues({ steps: [{ weight: 101 }] })).toBe('canary.steps.0.weight: Too big: expected number to be <=100');
    expect(issues({ steps: [{ weight: 10, wait: '1s' }] })).toBe('canary.steps.0: Unrecognized key: "wait"');
    expect(issues({ steps: [{ weight: 10 }], interval: '11m' })).toBe(
      'canary.interval: 660000 ms is longer than the 10 min an interval may be',
    );
    expect(issues({ steps: [{ weight: 10 }], interval: '10m' })).toBe('valid');
  });
});
