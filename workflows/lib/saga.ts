import { ApplicationFailure, CancellationScope, log, metricMeter, workflowInfo } from '@temporalio/workflow';
import { METRICS } from '../../common/metrics';
import { DeployErrorType, type UndoFailure } from '../../common/errors';
import { isHostLoss } from './host-loss';

/**
 * Compensation for a workflow that changes the world step by step: after each step succeeds, its
 * undo goes in front of the list; `compensate` runs the undos in reverse order of the steps, in a
 * non-cancellable scope (a cancelled workflow still cleans up), logging and passing over an undo
 * that fails so the rest still run — and returns those failures, so the outcome can say what is
 * left instead of "as before". `commit` forgets them once the change is final.
 */
export class Saga {
  private undos: Array<{ what: string; undo: () => Promise<unknown> }> = [];

  /** Adds an undo; the returned function withdraws it again (the step proved it changed nothing,
   * e.g. a create refused because the name belongs to someone else). */
  add(what: string, undo: () => Promise<unknown>): () => void {
    const entry = { what, undo };
    this.undos.unshift(entry);
    return () => {
      this.undos = this.undos.filter((u) => u !== entry);
    };
  }

  get pending(): string[] {
    return this.undos.map((u) => u.what);
  }

  commit(): void {
    this.undos = [];
  }

  async compensate(): Promise<UndoFailure[]> {
    const undos = this.undos;
    this.undos = [];
    const failed: UndoFailure[] = [];
    // A metric, not a command: replays and histories are unchanged (the meter skips replays).
    if (undos.length)
      metricMeter.createCounter(METRICS.rollbacks, '1', 'changes undone').add(1, { type: workflowInfo().workflowType });
    await CancellationScope.nonCancellable(async () => {
      for (const { what, undo } of undos) {
        try {
          log.info(`compensating: ${what}`);
          await undo();
        } catch (err) {
          const error = messageOf(err);
          // A host whose agent picked nothing up (fleet changes bound that wait) is flagged: its
          // owner repairs it once the agent returns instead of reporting it left as is.
          failed.push({ what, error, ...(isHostLoss(err) ? { lost: true } : {}) });
          log.error(`compensation "${what}" failed; continuing with the rest`, { error });
        }
      }
    });
    return failed;
  }
}

/** "left: …" for an outcome line: each undo that failed and why. */
export function leftOver(failed: UndoFailure[]): string {
  return `left: ${failed.map((f) => `${f.what} failed (${f.error})`).join('; ')}`;
}

/**
 * The failure a change ends with when some undos failed: the original cause, re-typed so no caller
 * (the CLI, the deploy guard, a test) mistakes the outcome for a clean "nothing changed" — its
 * message says what is left, its details list the failed undos.
 */
export function compensationIncomplete(cause: unknown, failed: UndoFailure[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: DeployErrorType.CompensationIncomplete,
    message: `${messageOf(cause)}; compensation incomplete, ${leftOver(failed)}`,
    nonRetryable: true,
    details: [{ undoFailures: failed, causeType: (cause as ApplicationFailure | undefined)?.type }],
    cause: cause instanceof Error ? cause : undefined,
  });
}

/** The innermost message: an activity failure's own says only "Activity task failed". */
export function messageOf(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause;
  return e?.message ?? String(err);
}

/** How a change tells people where its failure leaves things. */
export interface FailureReport {
  /** Sets the phase and its details (`compensating`, then `failed`). */
  enter: (phase: 'compensating' | 'failed', details: string) => void;
  /** What is as before when every undo worked: "web is as before this deploy". */
  asBefore: string;
  /** What is NOT as before when some failed: "web". */
  subject: string;
  /** Set once the change is final (nothing is undone): the failure says this instead. */
  final?: string;
  /** Hears the undos that failed before the failure is thrown (for a status that lists them). */
  onUndoFailures?: (failed: UndoFailure[]) => void;
}

/** A change's one way out on failure: run the undos, say whether things are as before, and throw — the
 * original error when they are, else `compensationIncomplete` naming what is left. */
export async function compensateAndThrow(saga: Saga, err: unknown, report: FailureReport): Promise<never> {
  const why = (err as Error).message;
  report.enter('compensating', `undoing (${saga.pending.join('; ') || 'nothing to undo'}) because: ${why}`);
  const undoFailures = await saga.compensate();
  if (report.final !== undefined) {
    report.enter('failed', `${why}. ${report.final}`);
    throw err;
  }
  if (undoFailures.length === 0) {
    report.enter('failed', `${why}. ${report.asBefore}.`);
    throw err;
  }
  report.onUndoFailures?.(undoFailures);
  report.enter('failed', `${why}. ${report.subject} is NOT as before: ${leftOver(undoFailures)}`);
  throw compensationIncomplete(err, undoFailures);
}
