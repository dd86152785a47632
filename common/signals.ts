import { defineSignal } from '@temporalio/workflow';

/** Who answers, and why. `by` is the identity an approver allow-list checks. */
export interface Answer {
  by: string;
  comment?: string;
}

/** Approve the step a workflow waits on. In the Temporal UI: "Send a Signal", name `approve`,
 * input `{"by": "alice", "comment": "looks good"}`. */
export const approveSignal = defineSignal<[Answer]>('approve');
/** Reject the step a workflow waits on; the workflow compensates and fails with the reason. */
export const rejectSignal = defineSignal<[Answer]>('reject');
/** Switch back to what ran before (blue-green bake window, paused or finished rollouts). */
export const rollbackSignal = defineSignal<[Answer]>('rollback');
/** Continue a paused workflow. */
export const resumeSignal = defineSignal<[Answer]>('resume');

export const SIGNAL_NAMES = ['approve', 'reject', 'rollback', 'resume'] as const;
