import { condition, log, setHandler } from '@temporalio/workflow';
import { rollbackSignal, type Answer } from '../../common/signals';

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
    const asked = await condition(() => this.requested !== undefined, ms);
    this.open = false;
    return asked;
  }

  private receive(a: Answer): void {
    const by = typeof a?.by === 'string' ? a.by.trim() : '';
    if (!by) return log.warn('ignored rollback: the answer must say who asks, e.g. {"by": "alice"}');
    if (this.allowed.length > 0 && !this.allowed.includes(by))
      return log.warn(`refused rollback from ${by}: not on the approver list`);
    if (!this.open) return log.info(`ignored rollback from ${by}: no rollback window is open now`);
    this.requested ??= { by, comment: a.comment, at: new Date().toISOString() };
  }
}
