import { proxyActivities } from '@temporalio/workflow';
import type { ChangeActivities } from '../../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../../common/errors';

/** Questions about running changes, answered on the workflow's own (orchestrator) queue: no host. */
export function changeActivities() {
  return proxyActivities<ChangeActivities>({
    startToCloseTimeout: '1m',
    scheduleToCloseTimeout: '5m',
    retry: { initialInterval: '1s', maximumInterval: '10s', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
  });
}
