import { TimeoutFailure } from '@temporalio/workflow';

/**
 * Whether a failure says the host's agent picked up nothing within the host-loss timeout: an activity
 * that timed out on schedule-to-start (Temporal does not retry that timeout). A failure the agent
 * itself reported (an unhealthy container, a refused pull) is not a loss: the host answered.
 */
export function isHostLoss(err: unknown): boolean {
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as { cause?: unknown } | undefined)
    if (e instanceof TimeoutFailure && e.timeoutType === 'SCHEDULE_TO_START') return true;
  return false;
}
