import { proxyActivities } from '@temporalio/workflow';
import type { HostActivities } from '../../activities';
import type { ServiceContainer } from '../../common/blue-green-plan';
import { hostTaskQueue } from '../../common/task-queues';
import { HOST_SUMMARIES } from './activity-summaries';

/** The host agent of `host` for a short read (serviceStatus, serviceLogs): one attempt, 10 s from
 * scheduling, so a host whose agent does not answer is reported, not waited for. */
export function readAgent(host: string) {
  return proxyActivities<HostActivities>({
    taskQueue: hostTaskQueue(host),
    startToCloseTimeout: '10s',
    scheduleToCloseTimeout: '10s',
    retry: { maximumAttempts: 1 },
  });
}

/** The service's containers on `host`, the call's summary naming the host. */
export async function listOn(host: string, service: string): Promise<ServiceContainer[]> {
  const read = { service };
  return readAgent(host).listServiceContainers.executeWithOptions(
    { summary: `${HOST_SUMMARIES.listServiceContainers(read)} on ${host}` },
    [read],
  );
}

/** Why a read failed: the activity's cause when there is one (the Engine's or agent's words). */
export function readFailure(e: unknown): string {
  const err = e as Error;
  return err.cause instanceof Error ? err.cause.message : err.message;
}
