import { z } from 'zod';
import { policyProblem, type AnswerAction } from './answer-policy';
import { ApproverKeys } from './answer-signature';

/** Per-service approval policy: required (with a deadline whose answer, if nobody answers, is a safe
 * "reject") or skipped; an optional allow-list of identities whose answers count. */
export const ApprovalPolicy = z
  .strictObject({
    required: z.boolean().default(true),
    /** How long to wait for an answer; when it passes the step is rejected. */
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(30 * 60_000),
    /** Identities allowed to approve or reject; empty: anyone who may call the namespace. */
    approvers: z.array(z.string().min(1)).default([]),
    /** Distinct approvers an approval needs (2: the two-person rule). */
    requiredApprovals: z.number().int().min(1).max(10).default(1),
    /** Whether whoever started the change may approve (or resume) it. */
    allowSelfApproval: z.boolean().default(false),
    /** Whether an answer Temporal recorded no identity for counts (a Web UI without login, such as the
     * local dev server's): only with no approver list and one approval; recorded as "unidentified". */
    allowUnidentified: z.boolean().default(false),
    /** System identities (the trigger's "deploy-guard") that may roll back or reject, never approve. */
    systemIdentities: z.array(z.string().min(1)).default([]),
    /** Approver name → Ed25519 public key: a signature by that key makes an answer that person's. */
    keys: ApproverKeys.optional(),
    /** Only signed answers count (listed system identities may still roll back or reject unsigned). */
    requireSignatures: z.boolean().optional(),
  })
  .superRefine((p, ctx) => {
    const problem = policyProblem(p);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: [/^(keys|requireSig)/.test(problem) ? 'keys' : 'requiredApprovals'],
        message: problem,
      });
  });
export type ApprovalPolicy = z.output<typeof ApprovalPolicy>;

export type ApprovalOutcome = 'approved' | 'rejected' | 'timed-out' | 'skipped';

/** What the gate decided; it is part of the workflow's result and history (who, when, why). */
export interface ApprovalDecision {
  outcome: ApprovalOutcome;
  by?: string;
  /** Every distinct approver, in order, when the policy needs more than one. */
  approvedBy?: string[];
  comment?: string;
  /** ISO time of the answer (workflow time, deterministic). */
  at: string;
  /** Answers that did not count: who (as Temporal recorded them), which answer, when and why (bounded). */
  refused: RefusedAnswer[];
  /** Refused answers past the ones listed (the list is bounded), if any. */
  refusedMore?: number;
}

export interface RefusedAnswer {
  by: string;
  signal: AnswerAction;
  at: string;
  /** The refusal the sender was told ("refused: bob is not an approver of api"). */
  why?: string;
}

/** A person must approve within 30 minutes; anyone who may call the namespace, except the requester. */
export const DEFAULT_APPROVAL: ApprovalPolicy = {
  required: true,
  timeoutMs: 30 * 60_000,
  approvers: [],
  requiredApprovals: 1,
  allowSelfApproval: false,
  allowUnidentified: false,
  systemIdentities: [],
};
