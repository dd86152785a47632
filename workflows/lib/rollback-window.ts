import { condition, log, setHandler } from '@temporalio/workflow';
import { rollbackSignal, type Answer } from '../../common/signals';
import { acceptAnswer } from './answers';

/** Listens for the `rollback` signal. Only an answer that arrives while the window is open counts
 * (and, with an allow-list, only from someone on it); others are logged and ignored. */
export class RollbackWindow {
  private open = false;
  requested?: Answer & { at: string };

  constructor(private readonly allowed: string[]) {
    setHandler(rollbackSignal, (a) => this.receive(a), {
      description: 'Switch back to the previous color during the bake window: {"by": "<you>", "comment": "<why>"}',
    });
  }

  /** Holds the window open for `ms`; true when a rollback was asked for inside it. */
  async wait(ms: number): Promise<boolean> {
    if (ms <= 0) return false; // no window (condition's timeout 0 would mean "no timeout")
    this.open = true;
    const asked = await condition(() => this.requested !== undefined, ms, {
      summary: 'bake window: the `rollback` signal switches back until it ends',
    });
    this.open = false;
    return asked;
  }

  private receive(a: Answer): void {
    const check = acceptAnswer(this.allowed, 'rollback', a);
    if (!check.accepted) return;
    const { by } = check;
    if (!this.open) return log.info(`ignored rollback from ${by}: no rollback window is open now`);
    this.requested ??= { by, comment: a.comment, at: new Date().toISOString() };
  }
}
