import { describe, expect, it } from 'vitest';
import {
  FIRST_STEP_STATE,
  nextRolloutStep,
  type RolloutStep,
  type StepEvent,
  type StepPlan,
  type StepState,
} from '../../../workflows/lib/rollout-steps';

const plan = (extra: Partial<StepPlan> = {}): StepPlan => ({
  service: 'web',
  batches: [[1, 2], [3, 4], [5]],
  toUpdate: 5,
  delayMs: 0,
  deadlineAt: Infinity,
  maxFailureRatio: 0,
  failureAction: 'rollback',
  ...extra,
});
const at = 1000;
const started: StepEvent = { type: 'started', at };
const ran = (failing: number[] = [], lastFailure?: string): StepEvent => ({
  type: 'batch-ran',
  failing,
  lastFailure,
  at,
});
const settled = (failing: number[] = []): StepEvent => ({ type: 'settled', failing, at });

/** Feeds `events` in turn; returns every step the planner chose. */
function walk(p: StepPlan, events: StepEvent[]): RolloutStep[] {
  let state: StepState = FIRST_STEP_STATE;
  return events.map((event) => {
    const decision = nextRolloutStep(p, state, event);
    state = decision.state;
    return decision.step;
  });
}

describe('nextRolloutStep', () => {
  it('runs the batches in order, each with the next one as upcoming, then settles and is done', () => {
    expect(walk(plan(), [started, ran(), ran(), ran(), settled()])).toEqual([
      { kind: 'batch', slots: [1, 2], number: 1, upcoming: [3, 4], retry: false },
      { kind: 'batch', slots: [3, 4], number: 2, upcoming: [5], retry: false },
      { kind: 'batch', slots: [5], number: 3, upcoming: [], retry: false },
      { kind: 'settle', last: true },
      { kind: 'done' },
    ]);
  });

  it('canary: after the canary batch the monitor windows pass, then the gate; approved goes on', () => {
    const p = plan({ canaryAfter: 1 });
    const approved: StepEvent = { type: 'canary-answered', outcome: 'approved', by: 'ann', at };
    expect(walk(p, [started, ran(), settled(), approved])).toEqual([
      { kind: 'batch', slots: [1, 2], number: 1, upcoming: [], retry: false },
      { kind: 'settle', last: false },
      { kind: 'canary' },
      { kind: 'batch', slots: [3, 4], number: 2, upcoming: [5], retry: false },
    ]);
  });

  it('pauseEvery 1: the gate comes after every batch but the last, each time after its monitor windows', () => {
    const p = plan({ canaryAfter: 1, gateEvery: 1 });
    const approved: StepEvent = { type: 'canary-answered', outcome: 'approved', by: 'ann', at };
    expect(walk(p, [started, ran(), settled(), approved, ran(), settled(), approved, ran(), settled()])).toEqual([
      { kind: 'batch', slots: [1, 2], number: 1, upcoming: [], retry: false },
      { kind: 'settle', last: false },
      { kind: 'canary' },
      { kind: 'batch', slots: [3, 4], number: 2, upcoming: [], retry: false },
      { kind: 'settle', last: false },
      { kind: 'canary' },
      { kind: 'batch', slots: [5], number: 3, upcoming: [], retry: false },
      { kind: 'settle', last: true },
      { kind: 'done' },
    ]);
  });

  it('pauseEvery 2 over five batches asks after the 2nd and the 4th; a rejection at any gate rolls back', () => {
    const p = plan({ batches: [[1], [2], [3], [4], [5]], canaryAfter: 2, gateEvery: 2 });
    const approved: StepEvent = { type: 'canary-answered', outcome: 'approved', by: 'ann', at };
    const steps = walk(p, [started, ran(), ran(), settled(), approved, ran(), ran(), settled(), approved, ran()]);
    expect(steps.map((s) => s.kind)).toEqual([
      'batch',
      'batch',
      'settle',
      'canary',
      'batch',
      'batch',
      'settle',
      'canary',
      'batch',
      'settle',
    ]);
    const rejected: StepEvent = { type: 'canary-answered', outcome: 'rejected', by: 'bob', at };
    expect(walk(p, [started, ran(), ran(), settled(), approved, ran(), ran(), settled(), rejected]).at(-1)).toEqual({
      kind: 'rollback',
      reason: 'canary rejected by bob',
    });
  });

  it('canary rejected or timed out rolls back, naming who and why', () => {
    const p = plan({ canaryAfter: 1 });
    const rejected: StepEvent = { type: 'canary-answered', outcome: 'rejected', by: 'ann', comment: 'slow', at };
    expect(walk(p, [started, ran(), settled(), rejected]).at(-1)).toEqual({
      kind: 'rollback',
      reason: 'canary rejected by ann: slow',
    });
    const timedOut: StepEvent = { type: 'canary-answered', outcome: 'timed-out', at };
    expect(walk(p, [started, ran(), settled(), timedOut]).at(-1)).toEqual({
      kind: 'rollback',
      reason: 'canary timed-out',
    });
  });

  it('a failure past the ratio rolls back with the failed replicas and the last reason', () => {
    expect(walk(plan(), [started, ran([2], 'web-2 exited')]).at(-1)).toEqual({
      kind: 'rollback',
      reason: 'web-2 failed: web-2 exited',
    });
  });

  it('a failure within maxFailureRatio goes on; failureAction continue goes on past it', () => {
    expect(walk(plan({ maxFailureRatio: 0.2 }), [started, ran([2])]).at(-1)).toMatchObject({
      kind: 'batch',
      number: 2,
    });
    expect(walk(plan({ failureAction: 'continue' }), [started, ran([1, 2])]).at(-1)).toMatchObject({
      kind: 'batch',
      number: 2,
    });
  });

  it('pause: resume retries the failed slots, then the plan goes on', () => {
    const p = plan({ failureAction: 'pause' });
    const resumed: StepEvent = { type: 'resumed', at };
    expect(walk(p, [started, ran([2], 'unhealthy'), resumed, ran([]), ran()])).toEqual([
      { kind: 'batch', slots: [1, 2], number: 1, upcoming: [3, 4], retry: false },
      { kind: 'pause', why: 'web-2 failed: unhealthy' },
      { kind: 'batch', slots: [2], number: 1, upcoming: [], retry: true },
      { kind: 'batch', slots: [3, 4], number: 2, upcoming: [5], retry: false },
      { kind: 'batch', slots: [5], number: 3, upcoming: [], retry: false },
    ]);
  });

  it('pause: a rollback answer rolls back', () => {
    const p = plan({ failureAction: 'pause' });
    const rollback: StepEvent = { type: 'resumed', at, rollbackRequest: 'rollback requested by bob' };
    expect(walk(p, [started, ran([2]), rollback]).at(-1)).toEqual({
      kind: 'rollback',
      reason: 'rollback requested by bob',
    });
  });

  it('a paused canary batch, retried, still meets the gate', () => {
    const p = plan({ canaryAfter: 1, failureAction: 'pause' });
    expect(walk(p, [started, ran([1]), settled([1]), { type: 'resumed', at }, ran([]), settled()])).toEqual([
      { kind: 'batch', slots: [1, 2], number: 1, upcoming: [], retry: false },
      { kind: 'settle', last: false },
      { kind: 'pause', why: 'web-1 failed: ' },
      { kind: 'batch', slots: [1], number: 1, upcoming: [], retry: true },
      { kind: 'settle', last: false },
      { kind: 'canary' },
    ]);
  });

  it('the deadline: past it, the next batch is a rollback', () => {
    const p = plan({ deadlineAt: 5000, deadlineMs: 4000 });
    expect(walk(p, [started, { ...ran(), at: 5001 }])).toEqual([
      { kind: 'batch', slots: [1, 2], number: 1, upcoming: [3, 4], retry: false },
      { kind: 'rollback', reason: 'the deadline of 4s passed' },
    ]);
  });

  it('a rollback signal takes effect before the next batch', () => {
    expect(walk(plan(), [started, { ...ran(), rollbackRequest: 'rollback requested by eve' }]).at(-1)).toEqual({
      kind: 'rollback',
      reason: 'rollback requested by eve',
    });
  });

  it('delay: a wait between batches (none after the last), no batch launched ahead', () => {
    const p = plan({ delayMs: 2000, batches: [[1], [2]], toUpdate: 2 });
    expect(walk(p, [started, ran(), { type: 'delayed', at }, ran(), settled()])).toEqual([
      { kind: 'batch', slots: [1], number: 1, upcoming: [], retry: false },
      { kind: 'delay', ms: 2000 },
      { kind: 'batch', slots: [2], number: 2, upcoming: [], retry: false },
      { kind: 'settle', last: true },
      { kind: 'done' },
    ]);
  });

  it('nothing to update: settle and done', () => {
    expect(walk(plan({ batches: [], toUpdate: 0 }), [started, settled()])).toEqual([
      { kind: 'settle', last: true },
      { kind: 'done' },
    ]);
  });

  it('a failure found while settling after the last batch rolls back', () => {
    expect(walk(plan({ batches: [[1]], toUpdate: 1 }), [started, ran(), settled([1])]).at(-1)).toEqual({
      kind: 'rollback',
      reason: 'web-1 failed: ',
    });
  });
});
