import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { HostActivities } from '../../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../../common/errors';
import { hostTaskQueue } from '../../common/task-queues';

const retry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/**
 * Activities of one host agent. Schedule-to-close bounds every call because a dead host's queue never
 * drains: start-to-close alone would wait forever for a worker that is not coming back.
 */
export function hostActivities(hostId: string) {
  const taskQueue = hostTaskQueue(hostId);
  // One Engine round trip or a few: inspect, create, start, remove, rename, update, copy.
  const quick = proxyActivities<HostActivities>({
    taskQueue,
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '5m',
    retry,
  });
  // Stop/restart wait out the container's stop timeout (up to minutes for a slow shutdown); they
  // heartbeat, so a dead agent is noticed early.
  const lifecycle = proxyActivities<HostActivities>({
    taskQueue,
    heartbeatTimeout: '10s',
    startToCloseTimeout: '5m',
    scheduleToCloseTimeout: '15m',
    retry,
  });
  const slow = proxyActivities<HostActivities>({
    taskQueue,
    // Pulls, builds, exports and waits heartbeat; a silent agent (crashed, partitioned) is noticed in
    // 10 s and the attempt is retried on whichever agent serves the queue next.
    heartbeatTimeout: '10s',
    startToCloseTimeout: '15m',
    scheduleToCloseTimeout: '30m',
    retry,
  });
  // An exec runs the user's command again on every attempt: two attempts at most, and only when the
  // first never reached the Engine (unreachable/5xx are the retryable failures).
  const once = proxyActivities<HostActivities>({
    taskQueue,
    heartbeatTimeout: '10s',
    startToCloseTimeout: '10m',
    scheduleToCloseTimeout: '15m',
    retry: { ...retry, maximumAttempts: 2 },
  });
  // Clean-up walks every Dockhand object on the host: bounded, but more than one round trip.
  const sweep = proxyActivities<HostActivities>({
    taskQueue,
    startToCloseTimeout: '5m',
    scheduleToCloseTimeout: '15m',
    retry,
  });
  return {
    // containers: lifecycle
    createContainer: quick.createContainer,
    startContainer: quick.startContainer,
    stopContainer: lifecycle.stopContainer,
    restartContainer: lifecycle.restartContainer,
    pauseContainer: quick.pauseContainer,
    unpauseContainer: quick.unpauseContainer,
    killContainer: quick.killContainer,
    waitContainer: slow.waitContainer,
    removeContainer: quick.removeContainer,
    // containers: observe
    inspectContainer: quick.inspectContainer,
    containerLogs: quick.containerLogs,
    followLogs: slow.followLogs,
    containerStats: quick.containerStats,
    containerTop: quick.containerTop,
    containerDiff: quick.containerDiff,
    exportContainer: slow.exportContainer,
    waitHealthy: slow.waitHealthy,
    ensureEdgeContainer: slow.ensureEdgeContainer,
    // containers: change
    execInContainer: once.execInContainer,
    updateContainer: quick.updateContainer,
    renameContainer: quick.renameContainer,
    copyFileIn: quick.copyFileIn,
    readFileFrom: quick.readFileFrom,
    // images
    ensureImage: slow.ensureImage,
    inspectImage: quick.inspectImage,
    listImages: quick.listImages,
    removeImage: quick.removeImage,
    pruneDanglingImages: sweep.pruneDanglingImages,
    // networks
    ensureNetwork: quick.ensureNetwork,
    connectNetwork: quick.connectNetwork,
    disconnectNetwork: quick.disconnectNetwork,
    removeNetwork: quick.removeNetwork,
    pruneNetworks: sweep.pruneNetworks,
    // clean-up
    cleanupDockhand: sweep.cleanupDockhand,
    listCleanupCandidates: sweep.listCleanupCandidates,
    removeCleanupItem: quick.removeCleanupItem,
    // hardening (remediateHarden)
    readHardenSource: quick.readHardenSource,
    createHardenedContainer: quick.createHardenedContainer,
    // the edge (nginx) in front of a service
    configureEdge: quick.configureEdge,
    restoreEdge: quick.restoreEdge,
    configureEdgeColors: quick.configureEdgeColors,
    switchEdgeColor: quick.switchEdgeColor,
    probeEdge: quick.probeEdge,
    listServiceContainers: quick.listServiceContainers,
    readEdge: quick.readEdge,
    smokeCheck: quick.smokeCheck,
    waitEdgeDrained: slow.waitEdgeDrained,
  };
}
export type HostProxies = ReturnType<typeof hostActivities>;
