import { condition, log, patched } from '@temporalio/workflow';
import type { AnswerPolicy } from '../../common/answer-policy';
import { rollbackSignal, rollbackUpdate, type Answer } from '../../common/signals';
import { openAnswers } from './answer-desk';
import { acceptAnswer, answerComment } from './answers';

/** Listens for `rollback`. Only an answer that arrives while the window is open counts, and only from
 * whom the policy allows (common/answer-policy.ts: approvers, or a listed system identity such as the
 * deploy guard); others are refused, recorded and, for an Update, told why. */
export class RollbackWindow {
  private open = false;
  requested?: Answer & { at: string };

  constructor(policy: AnswerPolicy, subject: string) {
    openAnswers({
      action: 'rollback',
      signal: rollbackSignal,
      update: rollbackUpdate,
      description: 'Switch back to the previous color during the bake window: {"comment": "<why>"}',
      policy: () => policy,
      subject,
      closed: () =>
        !this.open ? 'no rollback window is open now' : this.requested ? 'a rollback is already requested' : undefined,
      take: (a) => void (this.requested = { by: a.by, comment: a.comment, at: a.at }),
      legacy: (a) => this.receiveLegacy(policy.approvers, a),
    });
  }

  /** Opens the window as the bake begins, before the old color is held: a `rollback` sent as soon as the
   * status says "baking" counts, and is acted on once the hold is done. (Before the patch the window
   * opened after the hold, and an answer in between was refused.) A window of 0 ms never opens. */
  openAsBakeBegins(ms: number): void {
    if (ms > 0 && patched('rollback-window-opens-with-bake')) this.open = true;
  }

  /** Holds the window open for `ms`; true when a rollback was asked for inside it (or since it opened). */
  async wait(ms: number): Promise<boolean> {
    if (ms <= 0) return false; // no window (condition's timeout 0 would mean "no timeout")
    this.open = true;
    const asked = await condition(() => this.requested !== undefined, ms, {
      summary: 'bake window: the `rollback` signal switches back until it ends',
    });
    this.open = false;
    return asked;
  }

  /** Before the answer-policy patch: the typed `by` against the allow-list (replays old histories). */
  private receiveLegacy(allowed: readonly string[], a: Answer): void {
    const check = acceptAnswer(allowed, 'rollback', a);
    if (!check.accepted) return;
    const { by } = check;
    if (!this.open) return log.info(`ignored rollback from ${by}: no rollback window is open now`);
    this.requested ??= { by, comment: answerComment(a), at: new Date().toISOString() };
  }
}
