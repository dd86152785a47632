import { describe, expect, it } from 'vitest';
import { canaryPolicy, CanarySettings, type CanaryPolicy } from '../../../common/canary';
import {
  approved,
  checked,
  decideCanary,
  FIRST_CANARY_STATE,
  overridden,
  paused,
  resumed,
  weightSet,
  type CanaryState,
} from '../../../common/canary-plan';

const policy: CanaryPolicy = canaryPolicy(
  CanarySettings.parse({
    steps: [{ weight: 10, pause: '20s' }, { weight: 50, pause: '20s', approval: true }, { weight: 100 }],
    interval: '5s',
  }),
);
const S0 = FIRST_CANARY_STATE;

describe('decideCanary', () => {
  it('sets the first weight, then judges a window every interval on the step’s own rhythm', () => {
    expect(decideCanary(policy, S0, 0)).toEqual({ state: S0, move: { kind: 'weight', step: 0, weight: 10 } });
    const s = weightSet(S0, 1000);
    expect(decideCanary(policy, s, 1000).move).toEqual({ kind: 'analyse', step: 0, weight: 10, waitMs: 5000 });
    // a check that took 300 ms: the next one still comes at start + 10 s
    expect(decideCanary(policy, s, 6300).move).toEqual({ kind: 'analyse', step: 0, weight: 10, waitMs: 4700 });
  });

  it('moves on once the pause has passed with a passing window; the next step asks for approval first', () => {
    let s = weightSet(S0, 0);
    for (let i = 0; i < 4; i++) s = checked(s, 'pass', []);
    expect(decideCanary(policy, s, 19_999).move).toEqual({ kind: 'analyse', step: 0, weight: 10, waitMs: 1 });
    const next = decideCanary(policy, s, 20_000);
    expect(next).toEqual({
      state: { ...s, step: 1, weightSet: false, approved: false, passes: 0 },
      move: { kind: 'approve', step: 1, weight: 50 },
    });
    expect(decideCanary(policy, approved(next.state), 20_000).move).toEqual({ kind: 'weight', step: 1, weight: 50 });
  });

  it('does not move on without a passing window (too few requests): it keeps judging', () => {
    const s = checked(checked(weightSet(S0, 0), 'inconclusive', ['3 canary requests']), 'inconclusive', []);
    expect(decideCanary(policy, s, 30_000).move).toEqual({ kind: 'analyse', step: 0, weight: 10, waitMs: 5000 });
  });

  it('aborts at the first failing window (failuresAllowed 0), saying why', () => {
    const s = checked(weightSet(S0, 0), 'fail', ['success rate 0% is not >= 99%']);
    expect(decideCanary(policy, s, 5000).move).toEqual({
      kind: 'abort',
      why: 'the canary failed 1 window(s) in a row (0 allowed): success rate 0% is not >= 99%',
    });
  });

  it('tolerates failuresAllowed failing windows in a row; a pass resets the count', () => {
    const lenient = { ...policy, failuresAllowed: 1 };
    const once = checked(weightSet(S0, 0), 'fail', ['p99 900ms is not < 500ms']);
    expect(decideCanary(lenient, once, 5000).move.kind).toBe('analyse');
    expect(decideCanary(lenient, checked(checked(once, 'pass', []), 'fail', ['x']), 15_000).move.kind).toBe('analyse');
    expect(decideCanary(lenient, checked(once, 'fail', ['x']), 10_000).move.kind).toBe('abort');
  });

  it('promotes at the weight-100 step, and when the steps run out', () => {
    const at100: CanaryState = { ...S0, step: 2 };
    expect(decideCanary(policy, at100, 0).move).toEqual({ kind: 'promote', why: 'every step before 100% passed' });
    expect(decideCanary(policy, { ...S0, step: 3 }, 0).move).toEqual({ kind: 'promote', why: 'every step passed' });
  });

  it('a person’s abort wins over everything; a promote over everything but an abort or a failed analysis', () => {
    const s = weightSet(S0, 0);
    expect(decideCanary(policy, overridden(paused(s), { action: 'abort', by: 'alice' }), 0).move).toEqual({
      kind: 'abort',
      why: 'aborted by alice',
    });
    expect(decideCanary(policy, overridden(s, { action: 'promote', by: 'bob', comment: 'ship it' }), 0).move).toEqual({
      kind: 'promote',
      why: 'promoted by bob: ship it',
    });
    // the first override stays: a later one does not replace it
    expect(overridden(overridden(s, { action: 'promote', by: 'bob' }), { action: 'abort', by: 'x' }).override).toEqual({
      action: 'promote',
      by: 'bob',
    });
  });

  it('holds while paused; a resume starts the step’s pause afresh', () => {
    const s = checked(weightSet(S0, 0), 'pass', []);
    expect(decideCanary(policy, paused(s), 50_000).move).toEqual({ kind: 'paused' });
    const r = resumed(paused(s), 50_000);
    expect(r).toEqual({ ...s, paused: false, stepStartedAt: 50_000, passes: 0 });
    expect(decideCanary(policy, r, 50_000).move).toEqual({ kind: 'analyse', step: 0, weight: 10, waitMs: 5000 });
  });
});

describe('a weight-0 step (testers only)', () => {
  const zero = canaryPolicy(CanarySettings.parse({ steps: [{ weight: 0, pause: '10s' }, { weight: 100 }] }));
  it('sets weight 0, then moves on when its pause ends even without a window to judge', () => {
    expect(decideCanary(zero, S0, 0).move).toEqual({ kind: 'weight', step: 0, weight: 0 });
    const s = weightSet(S0, 0);
    expect(decideCanary(zero, s, 9_999).move).toEqual({ kind: 'analyse', step: 0, weight: 0, waitMs: 1 });
    expect(decideCanary(zero, s, 10_000).move).toEqual({ kind: 'promote', why: 'every step before 100% passed' });
  });
  it('still aborts when the testers’ window fails', () => {
    expect(decideCanary(zero, checked(weightSet(S0, 0), 'fail', ['x']), 5_000).move.kind).toBe('abort');
  });
});
