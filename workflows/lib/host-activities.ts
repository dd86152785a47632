import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { HostActivities } from '../../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../../common/errors';
import { hostTaskQueue } from '../../common/task-queues';

const retry: RetryPolicy = { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '10s', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES };

/**
 * Activities of one host agent. Schedule-to-close bounds every call because a dead host's queue never
 * drains: start-to-close alone would wait forever for a worker that is not coming back.
 */
export function hostActivities(hostId: string) {
  const taskQueue = hostTaskQueue(hostId);
  const quick = proxyActivities<HostActivities>({ taskQueue, startToCloseTimeout: '30s', scheduleToCloseTimeout: '5m', retry });
  const slow = proxyActivities<HostActivities>({
    taskQueue,
    // Pulls and health waits heartbeat; a silent agent (crashed, partitioned) is noticed in 10 s and
    // the attempt is retried on whichever agent serves the queue next.
    heartbeatTimeout: '10s',
    startToCloseTimeout: '15m',
    scheduleToCloseTimeout: '30m',
    retry,
  });
  return {
    ensureNetwork: quick.ensureNetwork,
    createContainer: quick.createContainer,
    startContainer: quick.startContainer,
    removeContainer: quick.removeContainer,
    inspectContainer: quick.inspectContainer,
    configureEdge: quick.configureEdge,
    restoreEdge: quick.restoreEdge,
    probeEdge: quick.probeEdge,
    listServiceContainers: quick.listServiceContainers,
    stopContainer: quick.stopContainer,
    readEdge: quick.readEdge,
    smokeCheck: quick.smokeCheck,
    ensureImage: slow.ensureImage,
    waitHealthy: slow.waitHealthy,
    waitEdgeDrained: slow.waitEdgeDrained,
  };
}
export type HostProxies = ReturnType<typeof hostActivities>;
