import { CancelledFailure, Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 1000;
/** How long a cancelled activity waits for its Engine call to end before it reports cancelled anyway
 * (the calls it runs are bounded themselves, or abort on the signal: this is a backstop). */
const CANCELLED_CALL_GRACE_MS = 60_000;

/**
 * Runs a long Engine call while heartbeating, so a dead agent is noticed within the heartbeat
 * timeout and a cancelled workflow is heard at once: the call gets the activity's AbortSignal.
 * The cancellation is reported only once the call has ended (or after CANCELLED_CALL_GRACE_MS): a
 * request the Engine already took (a create, a rename) can still land, and a workflow that waits for
 * the cancellation to complete must not start its undo before it has. `progress` supplies the
 * heartbeat details (bytes written, lines read…).
 */
export async function heartbeating<T>(
  run: (signal: AbortSignal) => Promise<T>,
  progress: () => unknown = () => undefined,
  { graceMs = CANCELLED_CALL_GRACE_MS }: { graceMs?: number } = {},
): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(progress());
  const timer = setInterval(() => ctx.heartbeat(progress()), HEARTBEAT_EVERY_MS);
  // The aborted call still rejects later; an unhandled rejection would take the whole host agent down.
  const work = run(ctx.cancellationSignal);
  const ended = work.then(
    () => undefined,
    () => undefined,
  );
  try {
    return await Promise.race([work, ctx.cancelled]);
  } catch (err) {
    if (err instanceof CancelledFailure) await Promise.race([ended, new Promise((r) => setTimeout(r, graceMs))]);
    throw err;
  } finally {
    clearInterval(timer);
  }
}
