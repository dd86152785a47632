import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { HostActivities } from '../../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../../common/errors';
import { REPLICA_WAIT_START_TO_CLOSE_MS } from '../../common/rolling-update';
import { hostTaskQueue } from '../../common/task-queues';

const retry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/** The replica activities of one host agent (listing, planned hashes, retiring, handing over, watching).
 * Schedule-to-close bounds each call because a dead host's queue never drains. Retiring stops a
 * replica (up to its stop timeout, heartbeating), hence the longer start-to-close. Stop and rename
 * come from hostActivities. */
export function replicaActivities(hostId: string) {
  const taskQueue = hostTaskQueue(hostId);
  const quick = proxyActivities<HostActivities>({
    taskQueue,
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '5m',
    retry,
  });
  // Retiring heartbeats while the replica stops: an agent that dies meanwhile is noticed in 10 s.
  const stop = proxyActivities<HostActivities>({
    taskQueue,
    heartbeatTimeout: '10s',
    startToCloseTimeout: '2m',
    scheduleToCloseTimeout: '10m',
    retry,
  });
  // Watching heartbeats every poll: a silent agent is noticed in 10 s and the watch retried.
  const watch = proxyActivities<HostActivities>({
    taskQueue,
    heartbeatTimeout: '10s',
    startToCloseTimeout: REPLICA_WAIT_START_TO_CLOSE_MS,
    scheduleToCloseTimeout: '1h',
    retry,
  });
  return {
    watchHealthy: watch.watchHealthy,
    // Create + start + wait healthy: heartbeats throughout, so it takes the watch settings.
    launchReplica: watch.launchReplica,
    // Restart, health and monitor period of an original replica, heartbeating throughout.
    restoreReplica: watch.restoreReplica,
    removeReplica: quick.removeReplica,
    retireReplica: stop.retireReplica,
    handOverReplica: stop.handOverReplica,
    listReplicas: quick.listReplicas,
    planSpecHashes: quick.planSpecHashes,
  };
}
export type ReplicaProxies = ReturnType<typeof replicaActivities>;
