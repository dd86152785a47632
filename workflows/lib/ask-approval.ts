import type { ApprovalDecision, ApprovalPolicy } from '../../common/approval';
import { approvalWaitsOn } from '../../common/phase-details';
import { requireApproved } from './answers';
import type { ApprovalGate } from './approval-gate';

/** What a run shows and says while a person decides, and what a "no" leaves behind. */
export interface ApprovalAsk {
  policy: ApprovalPolicy;
  /** The details text of the awaiting-approval phase, given when the wait times out (ISO). */
  details: (timeoutAt: string) => string;
  /** What happens on a rejection or no answer, shown while waiting ("nothing is changed"). */
  ifNot: string;
  /** Ends the failure message of a timeout (and of a rejection, when set). */
  onTimeout: string;
  onReject?: string;
  /** Sees the decision before it is enforced (a status query that records rejections too). */
  seen?: (decision: ApprovalDecision) => void;
  /** Wraps the wait for a person's answer (a fleet probes its hosts meanwhile): only when one is asked. */
  whileWaiting?: (answer: Promise<ApprovalDecision>) => Promise<ApprovalDecision>;
}

/**
 * The one approval step of a change (blue-green, fleet, harden, clean-up): when the policy wants a
 * person, enter `awaiting-approval` with what to answer and by when; wait on the gate (which passes at
 * once when none is required); anything but an approval ends the run with a typed failure.
 */
export async function askApproval(
  gate: ApprovalGate,
  progress: { enter(phase: 'awaiting-approval', details: string, waitsOn?: string): void },
  ask: ApprovalAsk,
): Promise<ApprovalDecision> {
  if (ask.policy.required) {
    const timeoutAt = new Date(Date.now() + ask.policy.timeoutMs).toISOString();
    progress.enter('awaiting-approval', ask.details(timeoutAt), approvalWaitsOn(timeoutAt, ask.ifNot));
  }
  const answer = gate.wait();
  const approval = await (ask.policy.required && ask.whileWaiting ? ask.whileWaiting(answer) : answer);
  ask.seen?.(approval);
  const { onReject, onTimeout } = ask;
  requireApproved(approval, { timeoutMs: ask.policy.timeoutMs, onTimeout, ...(onReject ? { onReject } : {}) });
  return approval;
}
