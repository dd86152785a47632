import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { NotifierActivities } from '../../activities/notify/notifier';
import type { EventActivities } from '../../activities/events/publish';
import type { RemediationActivities } from '../../activities/docker/remediation';
import { NON_RETRYABLE_ERROR_TYPES } from '../../common/errors';
import { hostTaskQueue } from '../../common/task-queues';

const retry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/** The remediation operations of one host agent. Schedule-to-close bounds them: a dead host's queue
 * never drains, and a remediation that cannot reach its host should escalate, not hang. */
export function remediationActivities(hostId: string) {
  // A restart waits up to the stop timeout (≤ 300 s) before the engine kills; 6 min covers it.
  return proxyActivities<RemediationActivities>({
    taskQueue: hostTaskQueue(hostId),
    startToCloseTimeout: '6m',
    scheduleToCloseTimeout: '15m',
    retry,
  });
}

/** Restarts on the remediation path wait out the stop timeout (≤ 300 s), so they heartbeat: a dead
 * agent is noticed in 10 s and the attempt goes to whichever agent serves the queue next. */
export function remediationRestartActivities(hostId: string) {
  return proxyActivities<RemediationActivities>({
    taskQueue: hostTaskQueue(hostId),
    heartbeatTimeout: '10s',
    startToCloseTimeout: '6m',
    scheduleToCloseTimeout: '15m',
    retry,
  });
}

/** For the health sweep: a host that does not answer within a minute is reported, not waited for. */
export function sweepActivities(hostId: string) {
  return proxyActivities<RemediationActivities>({
    taskQueue: hostTaskQueue(hostId),
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '1m',
    retry,
  });
}

/** The notifier runs on the orchestrator's own queue (the default for activities of a workflow). */
export const notifier = proxyActivities<NotifierActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '10m',
  retry,
});

/** Publishing events runs beside the workflows too (it needs Redis, not a host). */
export const eventPublisher = proxyActivities<EventActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '5m',
  retry,
});
