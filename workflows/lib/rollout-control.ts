import { condition, log, patched, workflowInfo } from '@temporalio/workflow';
import type { AnswerPolicy } from '../../common/answer-policy';
import { resumeSignal, resumeUpdate, rollbackSignal, rollbackUpdate, type Answer } from '../../common/signals';
import { openAnswers } from './answer-desk';
import { notifyPeople } from './notify';

/** Runs started since tell people (every configured channel) when the rollout pauses for them. */
const NOTIFY_PAUSED = 'notify-rollout-paused';

/** The rollout's `resume` and `rollback` answers. Install once at the top of the workflow. A rollback
 * may be asked at any time (it takes effect between batches); resume only counts while paused. Both go
 * through the one access check (common/answer-policy.ts): resume continues a rollout that failed its
 * health gate, so it needs an approver who did not start the rollout. */
export class RolloutControl {
  private rollbackAnswer?: Answer;
  private resumeAnswer?: Answer;
  private pausedNow = false;

  private pauses = 0;

  constructor(
    policy: AnswerPolicy = { approvers: [] },
    private readonly subject = 'this rollout',
  ) {
    openAnswers({
      action: 'resume',
      signal: resumeSignal,
      update: resumeUpdate,
      description: 'Continue a paused rollout (retries the failed replicas): {"comment": "<why>"}',
      policy: () => policy,
      subject,
      closed: () => (this.pausedNow && !this.resumeAnswer ? undefined : 'the rollout is not paused'),
      take: (a) => void (this.resumeAnswer = { by: a.by, comment: a.comment }),
      legacy: (a) => this.receiveLegacy('resume', a),
    });
    openAnswers({
      action: 'rollback',
      signal: rollbackSignal,
      update: rollbackUpdate,
      description: 'Put every changed replica back to its previous spec: {"comment": "<why>"}',
      policy: () => policy,
      subject,
      closed: () => (this.rollbackAnswer ? 'a rollback is already requested' : undefined),
      take: (a) => void (this.rollbackAnswer = { by: a.by, comment: a.comment }),
      legacy: (a) => this.receiveLegacy('rollback', a),
    });
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  /** Who asked for a rollback, and why, once someone has. */
  get rollbackRequest(): string | undefined {
    const a = this.rollbackAnswer;
    return a && `rollback requested by ${a.by}${a.comment ? `: ${a.comment}` : ''}`;
  }

  /** Waits until someone answers resume or rollback; `why` is what people are told it paused for. */
  async pause(why = 'paused'): Promise<'resume' | 'rollback'> {
    this.pausedNow = true;
    if (patched(NOTIFY_PAUSED))
      notifyPeople({
        step: `paused-${++this.pauses}`,
        kind: 'waiting',
        severity: 'warning',
        answerable: true,
        answers: ['resume', 'rollback'],
        title: `${this.subject} rollout paused (${workflowInfo().workflowType})`,
        text: `${workflowInfo().workflowId} paused: ${why}. It waits until someone answers resume (retry and go on) or rollback.`,
        service: this.subject,
      });
    await condition(() => this.resumeAnswer !== undefined || this.rollbackAnswer !== undefined);
    this.pausedNow = false;
    const answer = this.rollbackAnswer ? 'rollback' : 'resume';
    this.resumeAnswer = undefined;
    return answer;
  }

  /** Before the answer-policy patch: anyone naming themselves counted (replays old histories). */
  private receiveLegacy(signal: 'resume' | 'rollback', a: Answer): void {
    const by = typeof a?.by === 'string' ? a.by.trim() : '';
    if (!by) return log.warn(`ignored ${signal}: the answer must say who answers, e.g. {"by": "alice"}`);
    if (signal === 'rollback') this.rollbackAnswer ??= { ...a, by };
    else if (this.pausedNow) this.resumeAnswer = { ...a, by };
    else log.info(`ignored resume from ${by}: the rollout is not paused`);
  }
}
