import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AnswerSignature } from './answer-signature';

/** An answer. `by` is display only (what the sender says of itself): the identity the approver list
 * checks is the one Temporal recorded with the Signal or Update (docs/security.md). */
export interface Answer {
  by?: string;
  comment?: string;
  /** An Ed25519 signature of the answer (`dockhand approve … --key`); where the service lists keys, the
   * signer is who answered (common/answer-signature.ts). */
  signature?: AnswerSignature;
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

/** A canary: hold the current step (checks stop until `resume`). */
export const pauseSignal = defineSignal<[Answer]>('pause');
/** A canary: skip the remaining steps and send every request to the new version. */
export const promoteSignal = defineSignal<[Answer]>('promote');
/** A canary: weight back to 0, the canary removed, stable untouched. */
export const abortSignal = defineSignal<[Answer]>('abort');

/** The same answers as Updates (what the CLI sends): the sender learns the verdict — the update returns
 * what counted ("approved by alice (1 of 2)") or fails with the refusal ("refused: bob is not an
 * approver of api", "nothing is waiting for approval"). The Web UI's Send Signal keeps working. */
export const approveUpdate = defineUpdate<string, [Answer]>('approve');
export const rejectUpdate = defineUpdate<string, [Answer]>('reject');
export const rollbackUpdate = defineUpdate<string, [Answer]>('rollback');
export const resumeUpdate = defineUpdate<string, [Answer]>('resume');
export const pauseUpdate = defineUpdate<string, [Answer]>('pause');
export const promoteUpdate = defineUpdate<string, [Answer]>('promote');
export const abortUpdate = defineUpdate<string, [Answer]>('abort');
