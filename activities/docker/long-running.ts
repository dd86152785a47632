import { Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 1000;

/**
 * Runs a long Engine call while heartbeating, so a dead agent is noticed within the heartbeat
 * timeout and a cancelled workflow is heard at once: the call gets the activity's AbortSignal and the
 * race ends with the CancelledFailure as soon as the cancellation arrives. `progress` supplies the
 * heartbeat details (bytes written, lines read…).
 */
export async function heartbeating<T>(
  run: (signal: AbortSignal) => Promise<T>,
  progress: () => unknown = () => undefined,
): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(progress());
  const timer = setInterval(() => ctx.heartbeat(progress()), HEARTBEAT_EVERY_MS);
  try {
    const work = run(ctx.cancellationSignal);
    // When the cancellation wins, the aborted call still rejects later; nobody waits for it then, and
    // an unhandled rejection would take the whole host agent down.
    work.catch(() => undefined);
    return await Promise.race([work, ctx.cancelled]);
  } finally {
    clearInterval(timer);
  }
}
