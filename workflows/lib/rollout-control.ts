import { condition, log, setHandler } from '@temporalio/workflow';
import { resumeSignal, rollbackSignal, type Answer } from '../../common/signals';
import { acceptAnswer, answerComment } from './answers';

/** The rollout's `resume` and `rollback` signals. Install once at the top of the workflow. A rollback
 * may be asked at any time (it takes effect between batches); resume only counts while paused. */
export class RolloutControl {
  private rollbackAnswer?: Answer;
  private resumeAnswer?: Answer;
  private pausedNow = false;

  constructor() {
    setHandler(resumeSignal, (a) => this.receive('resume', a), {
      description: 'Continue a paused rollout (retries the failed replicas): {"by": "<you>", "comment": "<why>"}',
    });
    setHandler(rollbackSignal, (a) => this.receive('rollback', a), {
      description: 'Put every changed replica back to its previous spec: {"by": "<you>", "comment": "<why>"}',
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

  /** Waits until someone answers resume or rollback. */
  async pause(): Promise<'resume' | 'rollback'> {
    this.pausedNow = true;
    await condition(() => this.resumeAnswer !== undefined || this.rollbackAnswer !== undefined);
    this.pausedNow = false;
    const answer = this.rollbackAnswer ? 'rollback' : 'resume';
    this.resumeAnswer = undefined;
    return answer;
  }

  private receive(signal: 'resume' | 'rollback', a: Answer): void {
    const check = acceptAnswer([], signal, a);
    if (!check.accepted) return;
    const { by } = check;
    // Only who and why are kept, each bounded (the answer is anyone's JSON).
    const kept: Answer = { by, ...(answerComment(a) !== undefined ? { comment: answerComment(a) } : {}) };
    if (signal === 'rollback') this.rollbackAnswer ??= kept;
    else if (this.pausedNow) this.resumeAnswer = kept;
    else log.info(`ignored resume from ${by}: the rollout is not paused`);
  }
}
