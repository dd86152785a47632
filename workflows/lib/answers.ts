import { log } from '@temporalio/workflow';
import type { ApprovalDecision } from '../../common/approval';
import { DeployErrorType, failure } from '../../common/errors';
import type { Answer } from '../../common/signals';

/** Whether an answer counts, by who gave it: `by` must name someone, and be on the allow-list when there
 * is one. `refused` is who was turned away by the list (the approval gate records them). */
export type AnswerCheck = { accepted: true; by: string } | { accepted: false; refused?: string };

/** The one check of who answered a signal (approve, reject, rollback); what is turned away is logged. */
export function acceptAnswer(approvers: readonly string[], signal: string, a: Answer | undefined): AnswerCheck {
  const by = typeof a?.by === 'string' ? a.by.trim() : '';
  if (!by) {
    log.warn(`ignored ${signal}: the answer must say who answers, e.g. {"by": "alice"}`);
    return { accepted: false };
  }
  if (approvers.length > 0 && !approvers.includes(by)) {
    log.warn(`refused ${signal} from ${by}: not on the approver list (${approvers.join(', ')})`);
    return { accepted: false, refused: by };
  }
  return { accepted: true, by };
}

/**
 * Ends the workflow with the typed failure of a rejected or timed-out approval (DockhandRejected,
 * DockhandApprovalTimedOut, the decision as details); an approved or skipped gate passes.
 * `onReject` and `onTimeout` say what the ending leaves ("nothing changed", "nothing removed", …).
 */
export function requireApproved(
  decision: ApprovalDecision,
  o: { timeoutMs: number; onReject?: string; onTimeout: string },
): void {
  const rejectTail = o.onReject ? `; ${o.onReject}` : '';
  if (decision.outcome === 'rejected')
    throw failure(
      DeployErrorType.Rejected,
      `rejected by ${decision.by}${decision.comment ? `: ${decision.comment}` : ''}${rejectTail}`,
      decision,
    );
  if (decision.outcome === 'timed-out')
    throw failure(
      DeployErrorType.ApprovalTimedOut,
      `nobody approved within ${o.timeoutMs / 1000}s; ${o.onTimeout}`,
      decision,
    );
}
