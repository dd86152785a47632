import { condition, log, metricMeter, patched, workflowInfo } from '@temporalio/workflow';
import { METRICS } from '../../common/metrics';
import type { ApprovalDecision, ApprovalPolicy } from '../../common/approval';
import { approveSignal, approveUpdate, rejectSignal, rejectUpdate, type Answer } from '../../common/signals';
import { openAnswers, type CountedAnswer } from './answer-desk';
import { acceptAnswer, answerComment, recordRefused } from './answers';
import { notifyPeople } from './notify';

/** Marker: gates notify people when they start waiting (runs recorded before it sent nothing). */
const NOTIFY_WAITING = 'notify-approval-waiting';

/** What the gate answers about: the subject named in refusals, and who asked for the change. */
export interface GateSubject {
  subject: string;
  /** The change's requestedBy (the workflow's starter, as Temporal recorded it, is added by the desk). */
  requesters?: readonly string[];
  /** What the notification that the gate waits names (service, host, container). */
  service?: string;
  host?: string;
  container?: string;
  /** What the waiting notification says when the change words it itself (the deploy guard's why). */
  note?: { title: string; text: string };
}

/**
 * Waits for people to approve or reject a risky step. Install it once at the top of a workflow
 * (handlers must exist before answers arrive); `wait` blocks until the policy's approvals are in, a
 * reject, or the timeout (a safe reject). Every answer goes through the one access check
 * (common/answer-policy.ts); refused ones are recorded in the decision and the workflow's details.
 */
export class ApprovalGate {
  private answer?: {
    outcome: 'approved' | 'rejected';
    by: string;
    approvedBy?: string[];
    comment?: string;
    at: string;
  };
  private approvals: CountedAnswer[] = [];
  private readonly refusals: Pick<ApprovalDecision, 'refused' | 'refusedMore'> = { refused: [] };
  private waiting = false;
  /** How many times this gate has waited (a rollout's gate waits once per paused step). */
  private asked = 0;

  constructor(
    private readonly policy: ApprovalPolicy,
    private readonly who: GateSubject = { subject: 'this change' },
  ) {
    const common = {
      policy: () => this.policy,
      subject: who.subject,
      requesters: who.requesters,
      closed: () => (this.waiting && !this.answer ? undefined : 'nothing is waiting for approval'),
      approvedBy: () => this.approvals.map((a) => a.by),
      refused: (r: ApprovalDecision['refused'][number]) => recordRefused(this.refusals, r),
    };
    openAnswers({
      ...common,
      action: 'approve',
      signal: approveSignal,
      update: approveUpdate,
      description:
        'Approve the step this workflow waits on: {"comment": "<why>"} (who approves is the identity Temporal records)',
      take: (a) => this.approve(a),
      legacy: (a) => this.receiveLegacy('approve', a),
    });
    openAnswers({
      ...common,
      action: 'reject',
      signal: rejectSignal,
      update: rejectUpdate,
      description: 'Reject the step this workflow waits on (it rolls back): {"comment": "<why>"}',
      take: (a) => void (this.answer = { outcome: 'rejected', by: a.by, comment: a.comment, at: a.at }),
      legacy: (a) => this.receiveLegacy('reject', a),
    });
  }

  get isWaiting(): boolean {
    return this.waiting;
  }

  async wait(): Promise<ApprovalDecision> {
    if (!this.policy.required) return { outcome: 'skipped', at: new Date().toISOString(), refused: [] };
    this.waiting = true;
    if (patched(NOTIFY_WAITING)) this.notifyWaiting();
    const waitStarted = Date.now();
    const answered = await condition(() => this.answer !== undefined, this.policy.timeoutMs, {
      summary: 'approval window: rejected unless someone answers approve/reject',
    });
    this.waiting = false;
    metricMeter
      .createHistogram(METRICS.approvalWait, 'int', 'ms', 'time an approval gate waited')
      .record(Date.now() - waitStarted, {
        type: workflowInfo().workflowType,
        outcome: answered && this.answer ? this.answer.outcome : 'timed-out',
      });
    const approvals = this.approvals;
    this.approvals = []; // a gate can be passed again later in the same workflow (canary steps)
    if (!answered || !this.answer)
      return {
        outcome: 'timed-out',
        at: new Date().toISOString(),
        ...this.refusedNow(),
        ...(approvals.length ? { approvedBy: approvals.map((a) => a.by) } : {}),
      };
    const decision: ApprovalDecision = { ...this.answer, ...this.refusedNow() };
    this.answer = undefined;
    return decision;
  }

  /** People are told, on every configured channel, that this step waits for them (never awaited). */
  private notifyWaiting(): void {
    const { workflowType, workflowId } = workflowInfo();
    const need = Math.max(1, this.policy.requiredApprovals ?? 1);
    const minutes = Math.round(this.policy.timeoutMs / 60_000);
    notifyPeople({
      step: `approval-${++this.asked}`,
      kind: 'waiting',
      answerable: true,
      severity: 'warning',
      title: this.who.note?.title ?? `${this.who.subject} waits for approval (${workflowType})`,
      text:
        this.who.note?.text ??
        `${workflowId} waits for ${need} approval(s)` +
          (this.policy.approvers?.length ? ` from ${this.policy.approvers.join(', ')}` : '') +
          `; no answer within ${minutes} min rejects it and nothing changes.`,
      ...(this.who.service ? { service: this.who.service } : {}),
      ...(this.who.host ? { host: this.who.host } : {}),
      ...(this.who.container ? { container: this.who.container } : {}),
    });
  }

  private approve(a: CountedAnswer): void {
    this.approvals.push(a);
    const need = Math.max(1, this.policy.requiredApprovals ?? 1);
    if (this.approvals.length < need) return;
    const comment = this.approvals
      .map((x) => x.comment)
      .filter(Boolean)
      .join('; ');
    this.answer = {
      outcome: 'approved',
      by: a.by,
      ...(need > 1 ? { approvedBy: this.approvals.map((x) => x.by) } : {}),
      ...(comment ? { comment } : {}),
      at: a.at,
    };
  }

  /** Before the answer-policy patch: the typed `by` against the allow-list (replays old histories). */
  private receiveLegacy(signal: 'approve' | 'reject', a: Answer): void {
    const at = new Date().toISOString();
    const check = acceptAnswer(this.policy.approvers, signal, a);
    if (!check.accepted) {
      if (check.refused) recordRefused(this.refusals, { by: check.refused, signal, at });
      return;
    }
    const { by } = check;
    if (!this.waiting || this.answer) {
      log.info(`ignored ${signal} from ${by}: nothing is waiting for approval now`);
      return;
    }
    this.answer = { outcome: signal === 'approve' ? 'approved' : 'rejected', by, comment: answerComment(a), at };
  }

  /** The refused answers so far, as a decision carries them (bounded: the rest only counted). */
  private refusedNow(): Pick<ApprovalDecision, 'refused' | 'refusedMore'> {
    const { refused, refusedMore } = this.refusals;
    return { refused: [...refused], ...(refusedMore ? { refusedMore } : {}) };
  }
}
