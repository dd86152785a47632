import { ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FleetErrorType, type HostFailure } from '../../common/fleet';

/**
 * Whether a failure says the host's agent picked up nothing within the host-loss timeout: an activity
 * that timed out on schedule-to-start (Temporal does not retry that timeout). A failure the agent
 * itself reported (an unhealthy container, a refused pull) is not a loss: the host answered. A host's
 * child workflow (a fleet rollout's per-host rollout) that ended on such a timeout says so by its type.
 */
export function isHostLoss(err: unknown): boolean {
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as { cause?: unknown } | undefined)
    if (
      (e instanceof TimeoutFailure && e.timeoutType === 'SCHEDULE_TO_START') ||
      (e instanceof ApplicationFailure && e.type === FleetErrorType.HostLost)
    )
      return true;
  return false;
}

/** The failure of a fleet change that rolled back because of `failures` (its details list them). */
export function fleetHostFailed(message: string, failures: HostFailure[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: FleetErrorType.HostFailed,
    message,
    nonRetryable: true,
    details: [{ failures }],
  });
}
