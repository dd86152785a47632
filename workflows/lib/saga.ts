import { CancellationScope, log } from '@temporalio/workflow';

/**
 * Compensation for a workflow that changes the world step by step: after each step succeeds, its
 * undo goes in front of the list; `compensate` runs the undos in reverse order of the steps, in a
 * non-cancellable scope (a cancelled workflow still cleans up), logging and passing over an undo
 * that fails so the rest still run. `commit` forgets them once the change is final.
 */
export class Saga {
  private undos: Array<{ what: string; undo: () => Promise<unknown> }> = [];

  add(what: string, undo: () => Promise<unknown>): void {
    this.undos.unshift({ what, undo });
  }

  get pending(): string[] {
    return this.undos.map((u) => u.what);
  }

  commit(): void {
    this.undos = [];
  }

  async compensate(): Promise<void> {
    const undos = this.undos;
    this.undos = [];
    await CancellationScope.nonCancellable(async () => {
      for (const { what, undo } of undos) {
        try {
          log.info(`compensating: ${what}`);
          await undo();
        } catch (err) {
          log.error(`compensation "${what}" failed; continuing with the rest`, { error: (err as Error).message });
        }
      }
    });
  }
}
