import type { SigningPolicy } from './answer-signature';

/**
 * The one access check for every answer a workflow takes from a person or a system: approve, reject,
 * rollback, resume, release, and a canary's pause, promote and abort — blue-green, rolling, harden, clean-up and the deploy guard alike. Pure:
 * it judges an identity that the caller has already established (the one Temporal recorded with the
 * Signal or Update, never the payload's `by`; see docs/security.md), so it is tested by exact equality.
 */

/** What an answer asks for. */
export type AnswerAction = 'approve' | 'reject' | 'rollback' | 'resume' | 'release' | 'pause' | 'promote' | 'abort';

/** Answers that let a change go ahead (or end a containment). The others put things back: safe to take
 * from the requester and from a system identity. */
export const GOES_AHEAD: readonly AnswerAction[] = ['approve', 'resume', 'release', 'promote'];

/** Identities Dockhand's own processes answer with (the trigger's deploy guard). They may only put
 * things back, and only where the policy lists them (approvers or systemIdentities). */
export const SYSTEM_IDENTITIES: readonly string[] = ['deploy-guard'];

/** Who an answer counts as when Temporal recorded no identity and the policy allows that. */
const UNIDENTIFIED = 'unidentified';

/** Who may answer, from the service file's `approval` (or a rule's policy). Its signing part (`keys`,
 * `requireSignatures`) is checked before this judge runs: the identity judged is then the signer. */
export interface AnswerPolicy extends SigningPolicy {
  /** Identities whose answers count; empty: anyone who may call the namespace (see docs/security.md). */
  approvers: readonly string[];
  /** Distinct approvers an `approve` needs (the two-person rule is 2). Default 1. */
  requiredApprovals?: number;
  /** Whether whoever started the change may approve, resume or release it. Default false. */
  allowSelfApproval?: boolean;
  /** Whether an answer with no recorded identity counts (a Web UI without login): only with no approver
   * list and a single approval, since neither membership nor distinctness can be checked. Default false. */
  allowUnidentified?: boolean;
  /** System identities (e.g. "deploy-guard") allowed to roll back or reject. */
  systemIdentities?: readonly string[];
}

export interface AnswerContext {
  action: AnswerAction;
  /** What is answered, for the messages: a service ("api"), a container, a clean-up. */
  subject: string;
  /** The identity Temporal recorded with the answer (or a verified signer); undefined: none recorded. */
  identity: string | undefined;
  /** Who asked for the change: the identity that started the workflow, the change's requestedBy. */
  requesters: readonly string[];
  /** Who has approved this step so far (for the N-distinct-approvers rule). */
  approvedBy: readonly string[];
}

export type AnswerVerdict =
  | { counts: true; by: string; message: string; approvals?: { have: number; need: number } }
  | { counts: false; by?: string; message: string };

const PAST: Record<AnswerAction, string> = {
  approve: 'approved',
  reject: 'rejected',
  rollback: 'rollback requested',
  resume: 'resumed',
  release: 'released',
  pause: 'paused',
  promote: 'promoted',
  abort: 'aborted',
};

/** The verdict on one answer; `message` is what the sender is told ("refused: …" or what counted). */
export function judgeAnswer(policy: AnswerPolicy, ctx: AnswerContext): AnswerVerdict {
  const { action, subject } = ctx;
  const id = ctx.identity?.trim();
  const need = Math.max(1, policy.requiredApprovals ?? 1);
  if (!id && policy.allowUnidentified && policy.approvers.length === 0 && need === 1)
    return { counts: true, by: UNIDENTIFIED, message: `${PAST[action]} by an unidentified sender (allowUnidentified)` };
  if (!id)
    return {
      counts: false,
      message: `refused: no identity was recorded with this ${action} (answer with the dockhand CLI or the Web UI's Send Signal)`,
    };
  const refuse = (why: string): AnswerVerdict => ({ counts: false, by: id, message: `refused: ${why}` });
  const listedSystem = (policy.systemIdentities ?? []).includes(id);
  if (SYSTEM_IDENTITIES.includes(id) || listedSystem) {
    if (GOES_AHEAD.includes(action)) return refuse(`${id} is a system identity; it may only roll back or reject`);
    if (!listedSystem && policy.approvers.length > 0 && !policy.approvers.includes(id))
      return refuse(`${id} is not listed for ${subject} (approval.systemIdentities)`);
    return { counts: true, by: id, message: `${PAST[action]} by ${id}` };
  }
  if (policy.approvers.length > 0 && !policy.approvers.includes(id))
    return refuse(`${id} is not an approver of ${subject}`);
  if (GOES_AHEAD.includes(action) && !policy.allowSelfApproval && ctx.requesters.includes(id))
    return refuse(`${id} requested this change and may not ${action} it; another approver must`);
  if (action !== 'approve') return { counts: true, by: id, message: `${PAST[action]} by ${id}` };
  const have = ctx.approvedBy.length;
  if (ctx.approvedBy.includes(id)) return refuse(`${id} already approved (${have} of ${need}); another approver must`);
  return {
    counts: true,
    by: id,
    message: `approved by ${id} (${have + 1} of ${need})`,
    approvals: { have: have + 1, need },
  };
}

/** Refuses a policy that can never be met: more required approvals than listed approvers. */
export function policyProblem(policy: AnswerPolicy): string | undefined {
  const need = policy.requiredApprovals ?? 1;
  if (policy.approvers.length > 0 && need > policy.approvers.length)
    return `requiredApprovals is ${need} but only ${policy.approvers.length} approver(s) are listed`;
  const keys = Object.keys(policy.keys ?? {});
  if (policy.requireSignatures && keys.length === 0) return 'requireSignatures is set but no approver has a key (keys)';
  const unlisted = keys.filter((k) => policy.approvers.length > 0 && !policy.approvers.includes(k));
  if (unlisted.length > 0) return `keys of ${unlisted.join(', ')}, who are not approvers`;
  return undefined;
}
