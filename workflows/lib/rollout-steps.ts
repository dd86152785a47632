import type { ApprovalOutcome } from '../../common/approval';
import { replicaName } from '../../common/rolling-update';
import { failureLimitExceeded } from './rollout-plan';

/**
 * The rolling update's decisions as a pure function: from the plan, the state so far and what just
 * happened, the next step — the next batch (or a retry of the failed slots), a wait for the monitor
 * windows, the canary gate, a pause, a delay, a rollback or done. The workflow carries each step out
 * and reports back an event; nothing here touches the world, so every path is tested by equality.
 */
export interface StepPlan {
  service: string;
  /** Slots to update, in batches (the rollout plan's). */
  batches: number[][];
  /** Slots the rollout updates in all: the failure ratio's denominator. */
  toUpdate: number;
  /** The canary gate comes after this many batches (undefined: no gate). */
  canaryAfter?: number;
  /** The gate comes again after every this many batches (`pauseEvery`), never after the last one. */
  gateEvery?: number;
  delayMs: number;
  /** Workflow time by which the rollout must be done; Infinity when there is no deadline. */
  deadlineAt: number;
  deadlineMs?: number;
  maxFailureRatio: number;
  failureAction: 'rollback' | 'pause' | 'continue';
}

export interface StepState {
  /** Batches of the plan started so far. */
  started: number;
  /** Slots whose latest attempt failed. */
  failing: number[];
  canaryPassed: boolean;
  /** `started` when the latest repeated gate passed (only with gateEvery). */
  gatedAt?: number;
}

export type StepEvent = { at: number; rollbackRequest?: string } & (
  | { type: 'started' }
  /** A batch ran (`failing`: every slot whose latest attempt failed, `lastFailure`: the newest reason). */
  | { type: 'batch-ran'; failing: number[]; lastFailure?: string }
  /** The monitor windows passed (after the canary batch or the last one). */
  | { type: 'settled'; failing: number[]; lastFailure?: string }
  | { type: 'canary-answered'; outcome: ApprovalOutcome; by?: string; comment?: string }
  | { type: 'resumed' }
  | { type: 'delayed' }
);

export type RolloutStep =
  /** Update `slots`; `upcoming` is the next batch when it follows at once (no gate or delay between). */
  | { kind: 'batch'; slots: number[]; number: number; upcoming: number[]; retry: boolean }
  /** Wait for every monitor window so far; `last`: after the last batch. */
  | { kind: 'settle'; last: boolean }
  | { kind: 'canary' }
  | { kind: 'pause'; why: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'rollback'; reason: string }
  | { kind: 'done' };

export const FIRST_STEP_STATE: StepState = { started: 0, failing: [], canaryPassed: false };

export function nextRolloutStep(
  plan: StepPlan,
  state: StepState,
  event: StepEvent,
): { state: StepState; step: RolloutStep } {
  const failing = 'failing' in event ? event.failing : state.failing;
  const now = { ...state, failing };
  switch (event.type) {
    case 'started':
    case 'resumed':
    case 'delayed':
      return advance(plan, now, event);
    case 'batch-ran': {
      if (gateDue(plan, now)) return { state: now, step: { kind: 'settle', last: false } };
      return afterFailureCheck(plan, now, event, () => delayOrAdvance(plan, now, event));
    }
    case 'settled': {
      const last = now.started >= plan.batches.length && (now.canaryPassed || plan.canaryAfter === undefined);
      return afterFailureCheck(plan, now, event, () =>
        last ? { state: now, step: { kind: 'done' } } : { state: now, step: { kind: 'canary' } },
      );
    }
    case 'canary-answered': {
      // skipped: the canary's policy asks nobody, so the rollout goes on.
      if (event.outcome === 'rejected' || event.outcome === 'timed-out') {
        const who = `${event.by ? ` by ${event.by}` : ''}${event.comment ? `: ${event.comment}` : ''}`;
        return rollback(now, `canary ${event.outcome}${who}`);
      }
      const passed = { ...now, canaryPassed: true, ...(plan.gateEvery ? { gatedAt: now.started } : {}) };
      return delayOrAdvance(plan, passed, event);
    }
  }
}

/** The next batch — a retry of the failed slots first — or, after the last, the final settle; unless
 * a rollback was asked or the deadline passed. */
function advance(plan: StepPlan, state: StepState, event: StepEvent) {
  if (event.rollbackRequest) return rollback(state, event.rollbackRequest);
  if (event.at > plan.deadlineAt) return rollback(state, `the deadline of ${(plan.deadlineMs ?? 0) / 1000}s passed`);
  if (event.type === 'resumed' && state.failing.length > 0) {
    const number = Math.max(1, state.started);
    return { state, step: { kind: 'batch' as const, slots: state.failing, number, upcoming: [], retry: true } };
  }
  const slots = plan.batches[state.started];
  if (!slots) return { state, step: { kind: 'settle' as const, last: true } };
  const started = state.started + 1;
  const gateNext =
    (!state.canaryPassed && plan.canaryAfter === started) ||
    (state.canaryPassed && plan.gateEvery !== undefined && started % plan.gateEvery === 0);
  const upcoming = !gateNext && plan.delayMs === 0 ? (plan.batches[started] ?? []) : [];
  return {
    state: { ...state, started },
    step: { kind: 'batch' as const, slots, number: started, upcoming, retry: false },
  };
}

/** Whether the gate comes now, after a batch ran: once after `canaryAfter` batches, and with
 * `gateEvery` again after every that many (never after the last batch). */
function gateDue(plan: StepPlan, s: StepState): boolean {
  if (plan.canaryAfter === undefined) return false;
  if (!s.canaryPassed) return s.started >= plan.canaryAfter;
  const { gateEvery } = plan;
  return (
    gateEvery !== undefined &&
    s.started < plan.batches.length &&
    s.started % gateEvery === 0 &&
    (s.gatedAt ?? 0) < s.started
  );
}

function delayOrAdvance(plan: StepPlan, state: StepState, event: StepEvent) {
  if (event.rollbackRequest) return rollback(state, event.rollbackRequest);
  if (plan.delayMs > 0 && state.started < plan.batches.length)
    return { state, step: { kind: 'delay' as const, ms: plan.delayMs } };
  return advance(plan, state, event);
}

/** Past `maxFailureRatio`, `failureAction` decides: roll back, pause (resume retries the failed
 * slots) or go on. */
function afterFailureCheck(
  plan: StepPlan,
  state: StepState,
  event: StepEvent & { lastFailure?: string },
  then: () => { state: StepState; step: RolloutStep },
) {
  const { failing } = state;
  if (failing.length > 0 && failureLimitExceeded(failing.length, plan.toUpdate, plan.maxFailureRatio)) {
    const why = `${failing.map((slot) => replicaName(plan.service, slot)).join(', ')} failed: ${event.lastFailure ?? ''}`;
    if (plan.failureAction === 'rollback') return rollback(state, why);
    if (plan.failureAction === 'pause') return { state, step: { kind: 'pause' as const, why } };
  }
  return then();
}

function rollback(state: StepState, reason: string) {
  return { state, step: { kind: 'rollback' as const, reason } };
}
