import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { HostActivities, HostRegistryActivities, OrchestratorActivities } from '../../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../../common/errors';
import { hostTaskQueue } from '../../common/task-queues';

const retry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/**
 * Scan activities of one host agent. Listing is bounded by `hostTimeoutMs` schedule-to-close: a host
 * whose agent is down never drains its queue, and the scan must report it and go on. A container scan
 * heartbeats while it streams the filesystem, so a silent agent is noticed in 30 s.
 */
export function scanActivities(hostId: string, hostTimeoutMs: number) {
  const taskQueue = hostTaskQueue(hostId);
  const list = proxyActivities<HostActivities>({
    taskQueue,
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: hostTimeoutMs,
    retry,
  });
  const scan = proxyActivities<HostActivities>({
    taskQueue,
    heartbeatTimeout: '30s',
    startToCloseTimeout: '5m',
    scheduleToCloseTimeout: '10m',
    retry,
  });
  return { listScanTargets: list.listScanTargets, scanContainer: scan.scanContainer };
}

/** Report activities run on the workflow's own (orchestrator) queue: they need no Docker host. */
export function reportActivities() {
  const a = proxyActivities<OrchestratorActivities & HostRegistryActivities>({
    startToCloseTimeout: '1m',
    scheduleToCloseTimeout: '5m',
    retry,
  });
  return {
    loadScanBaseline: a.loadScanBaseline,
    stageScanPart: a.stageScanPart,
    writeScanReport: a.writeScanReport,
    listKnownHosts: a.listKnownHosts,
  };
}
