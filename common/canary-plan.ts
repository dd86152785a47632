import type { CanaryPolicy, CanaryVerdict } from './canary';

/**
 * The canary's step planner: given the policy, where the canary is and the clock, what the workflow
 * does next. Pure (tested by exact equality); the workflow only carries the moves out and feeds the
 * outcomes back through the reducers below.
 */

export interface CanaryState {
  /** Index into the policy's steps. */
  step: number;
  /** The edge carries this step's weight. */
  weightSet: boolean;
  /** This step's approval is given (or the step needs none). */
  approved: boolean;
  /** When this step's weight took effect (workflow clock, ms). */
  stepStartedAt: number;
  /** Passing windows in this step. */
  passes: number;
  /** Failing windows in a row (across steps). */
  failStreak: number;
  /** Why the last failing window failed. */
  lastFailure?: string;
  paused: boolean;
  /** A person's promote or abort, taken over everything else. */
  override?: { action: 'promote' | 'abort'; by: string; comment?: string };
}

export type CanaryMove =
  | { kind: 'abort'; why: string }
  | { kind: 'promote'; why: string }
  | { kind: 'paused' }
  | { kind: 'approve'; step: number; weight: number }
  | { kind: 'weight'; step: number; weight: number }
  | { kind: 'analyse'; step: number; weight: number; waitMs: number };

export const FIRST_CANARY_STATE: CanaryState = {
  step: 0,
  weightSet: false,
  approved: false,
  stepStartedAt: 0,
  passes: 0,
  failStreak: 0,
  paused: false,
};

/** What to do next. Advances to the next step when this one has held its pause with a passing window. */
export function decideCanary(
  policy: CanaryPolicy,
  state: CanaryState,
  now: number,
): { state: CanaryState; move: CanaryMove } {
  const o = state.override;
  const said = (x: { by: string; comment?: string }) => `${x.by}${x.comment ? `: ${x.comment}` : ''}`;
  if (o?.action === 'abort') return { state, move: { kind: 'abort', why: `aborted by ${said(o)}` } };
  if (state.failStreak > policy.failuresAllowed)
    return {
      state,
      move: {
        kind: 'abort',
        why: `the canary failed ${state.failStreak} window(s) in a row (${policy.failuresAllowed} allowed): ${state.lastFailure ?? 'see the checks'}`,
      },
    };
  if (o?.action === 'promote') return { state, move: { kind: 'promote', why: `promoted by ${said(o)}` } };
  if (state.paused) return { state, move: { kind: 'paused' } };
  const step = policy.steps[state.step];
  if (!step) return { state, move: { kind: 'promote', why: `every step passed` } };
  const at = { step: state.step, weight: step.weight };
  if (step.approval && !state.approved) return { state, move: { kind: 'approve', ...at } };
  if (step.weight === 100) return { state, move: { kind: 'promote', why: `every step before ${step.weight}% passed` } };
  if (!state.weightSet) return { state, move: { kind: 'weight', ...at } };
  const elapsed = now - state.stepStartedAt;
  // A step moves on once it has held its pause with a passing window; at weight 0 only testers send
  // requests, so there the pause alone suffices.
  if (elapsed >= step.pauseMs && (state.passes > 0 || step.weight === 0))
    return decideCanary(policy, nextStep(state), now);
  // Checks keep the step's own rhythm (start + k·interval), whatever a check itself took.
  const waitMs = policy.intervalMs - (Math.max(0, elapsed) % policy.intervalMs);
  return { state, move: { kind: 'analyse', ...at, waitMs } };
}

function nextStep(s: CanaryState): CanaryState {
  return { ...s, step: s.step + 1, weightSet: false, approved: false, passes: 0 };
}

/** The edge carries the step's weight from `now` on. */
export function weightSet(s: CanaryState, now: number): CanaryState {
  return { ...s, weightSet: true, stepStartedAt: now, passes: 0 };
}

export function approved(s: CanaryState): CanaryState {
  return { ...s, approved: true };
}

/** A window was judged. An inconclusive one (too few requests) changes nothing. */
export function checked(s: CanaryState, verdict: CanaryVerdict, reasons: readonly string[]): CanaryState {
  if (verdict === 'pass') return { ...s, passes: s.passes + 1, failStreak: 0 };
  if (verdict === 'fail') return { ...s, failStreak: s.failStreak + 1, lastFailure: reasons.join('; ') };
  return s;
}

export function paused(s: CanaryState): CanaryState {
  return { ...s, paused: true };
}

/** Resumed: the step holds its whole pause again, judged afresh. */
export function resumed(s: CanaryState, now: number): CanaryState {
  return { ...s, paused: false, stepStartedAt: now, passes: 0 };
}

export function overridden(s: CanaryState, o: NonNullable<CanaryState['override']>): CanaryState {
  return s.override ? s : { ...s, override: o };
}
