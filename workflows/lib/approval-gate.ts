import { condition, log, setHandler } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalPolicy } from '../../common/approval';
import { approveSignal, rejectSignal, type Answer } from '../../common/signals';
import { acceptAnswer } from './answers';

/**
 * Waits for a person to approve or reject a risky step. Install it once at the top of a workflow
 * (handlers must exist before signals arrive); `wait` blocks until an allowed answer or the timeout
 * (a safe reject). Answers from identities outside the allow-list are logged, recorded, ignored.
 */
export class ApprovalGate {
  private answer?: { outcome: 'approved' | 'rejected'; by: string; comment?: string; at: string };
  private readonly refused: ApprovalDecision['refused'] = [];
  private waiting = false;

  constructor(private readonly policy: ApprovalPolicy) {
    setHandler(approveSignal, (a) => this.receive('approve', a), {
      description: 'Approve the step this workflow waits on: {"by": "<you>", "comment": "<why>"}',
    });
    setHandler(rejectSignal, (a) => this.receive('reject', a), {
      description: 'Reject the step this workflow waits on (it rolls back): {"by": "<you>", "comment": "<why>"}',
    });
  }

  get isWaiting(): boolean {
    return this.waiting;
  }

  async wait(): Promise<ApprovalDecision> {
    if (!this.policy.required) return { outcome: 'skipped', at: new Date().toISOString(), refused: [] };
    this.waiting = true;
    const answered = await condition(() => this.answer !== undefined, this.policy.timeoutMs, {
      summary: 'approval window: rejected unless someone answers approve/reject',
    });
    this.waiting = false;
    if (!answered || !this.answer)
      return { outcome: 'timed-out', at: new Date().toISOString(), refused: [...this.refused] };
    const decision: ApprovalDecision = { ...this.answer, refused: [...this.refused] };
    this.answer = undefined; // a gate can be passed again later in the same workflow (canary steps)
    return decision;
  }

  private receive(signal: 'approve' | 'reject', a: Answer): void {
    const at = new Date().toISOString();
    const check = acceptAnswer(this.policy.approvers, signal, a);
    if (!check.accepted) {
      if (check.refused) this.refused.push({ by: check.refused, signal, at });
      return;
    }
    const { by } = check;
    if (!this.waiting || this.answer) {
      log.info(`ignored ${signal} from ${by}: nothing is waiting for approval now`);
      return;
    }
    this.answer = { outcome: signal === 'approve' ? 'approved' : 'rejected', by, comment: a.comment, at };
  }
}
