import { log } from '@temporalio/workflow';
import type { ApprovalDecision } from '../../common/approval';
import { DeployErrorType, failure } from '../../common/errors';
import type { Answer } from '../../common/signals';

/** Answers come from whoever may signal the workflow (Web UI JSON, CLI, scripts) and end up in its
 * state, result and history: what is kept of them is bounded. A person's reason fits in the comment. */
const MAX_COMMENT_CHARS = 1000;
const MAX_IDENTITY_CHARS = 200;
/** Refused answers recorded one by one; past this many they are only counted (`refusedMore`). */
const MAX_REFUSED = 20;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The comment of an answer as kept: a string, at most MAX_COMMENT_CHARS; anything else is dropped. */
export function answerComment(a: Answer | undefined): string | undefined {
  const c: unknown = a?.comment;
  if (typeof c !== 'string') {
    if (c !== undefined && c !== null) log.warn(`ignored a comment that is not text (${typeof c})`);
    return undefined;
  }
  const text = c.trim();
  return text ? clip(text, MAX_COMMENT_CHARS) : undefined;
}

/** Records one refused answer in `decision`-shaped state: the first MAX_REFUSED in full, the rest counted. */
export function recordRefused(
  state: Pick<ApprovalDecision, 'refused' | 'refusedMore'>,
  entry: ApprovalDecision['refused'][number],
): void {
  if (state.refused.length < MAX_REFUSED) state.refused.push(entry);
  else state.refusedMore = (state.refusedMore ?? 0) + 1;
}

/** Whether an answer counts, by who gave it: `by` must name someone, and be on the allow-list when there
 * is one. `refused` is who was turned away by the list (the approval gate records them). */
export type AnswerCheck = { accepted: true; by: string } | { accepted: false; refused?: string };

/** The one check of who answered a signal (approve, reject, rollback); what is turned away is logged. */
export function acceptAnswer(approvers: readonly string[], signal: string, a: Answer | undefined): AnswerCheck {
  const by = typeof a?.by === 'string' ? clip(a.by.trim(), MAX_IDENTITY_CHARS) : '';
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
