import { z } from 'zod';

/** Per-service approval policy: required (with a deadline whose answer, if nobody answers, is a safe
 * "reject") or skipped; an optional allow-list of identities whose answers count. */
export const ApprovalPolicy = z.strictObject({
  required: z.boolean().default(true),
  /** How long to wait for an answer; when it passes the step is rejected. */
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(30 * 60_000),
  /** Identities allowed to approve or reject; empty: anyone. */
  approvers: z.array(z.string().min(1)).default([]),
});
export type ApprovalPolicy = z.output<typeof ApprovalPolicy>;

export type ApprovalOutcome = 'approved' | 'rejected' | 'timed-out' | 'skipped';

/** What the gate decided; it is part of the workflow's result and history (who, when, why). */
export interface ApprovalDecision {
  outcome: ApprovalOutcome;
  by?: string;
  comment?: string;
  /** ISO time of the answer (workflow time, deterministic). */
  at: string;
  /** Answers that were refused because their identity is not on the allow-list. */
  refused: Array<{ by: string; signal: 'approve' | 'reject'; at: string }>;
  /** Refused answers past the ones listed (the list is bounded), if any. */
  refusedMore?: number;
}
