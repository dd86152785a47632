import { logger } from '../../common/logger';

/** How long a stopping worker process waits for its graceful stop (Temporal's shutdownGraceTime for
 * the host agent is the same 10 s). */
const STOP_GRACE_MS = 10_000;

/**
 * Runs a process's graceful stop, but for no longer than `graceMs`; says whether it finished. A stop
 * must end, and it waits on things outside the process: the jobs it runs (each on Temporal or Redis),
 * and libraries' closes (BullMQ's graceful close once waited for ever on a reconnecting connection:
 * see queue-worker-stop.ts). Whatever is left is recovered by design: a job the process held stalls
 * and goes back to its queue for the next process.
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
