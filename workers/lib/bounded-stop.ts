import { logger } from '../../common/logger';

/** How long a stopping worker process waits for its graceful stop (Temporal's shutdownGraceTime for
 * the host agent is the same 10 s). */
const STOP_GRACE_MS = 10_000;

/**
 * Runs a process's graceful stop, but for no longer than `graceMs`; says whether it finished. A stop
 * must end: a BullMQ worker whose Redis failed over through Sentinel was seen never to finish its
 * close (its connections open to the new master), and `quit` waits for ever on a Redis that stopped
 * answering. Whatever is left is recovered by design: a job the process held stalls and goes back
 * to its queue for the next process.
 */
export async function stopWithin(what: string, stop: () => Promise<void>, graceMs = STOP_GRACE_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  const outcome = await Promise.race([stop().then(() => 'stopped' as const), late]).finally(() => clearTimeout(timer));
  if (outcome === 'late')
    logger.warn(
      { graceMs },
      `${what} did not stop within ${graceMs / 1000} s; exiting anyway (jobs it held go back to their queues)`,
    );
  return outcome === 'stopped';
}
