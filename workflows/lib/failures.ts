import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** The typed ApplicationFailure an activity threw, when it threw one of `type`. */
export function activityFailureOf(err: unknown, type: string): ApplicationFailure | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === type)
    return err.cause;
  return undefined;
}
