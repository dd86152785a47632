import { proxyActivities } from '@temporalio/workflow';
import type { HostActivities } from '../activities';
import type { ServiceStatusInput, ServiceStatusResult } from '../common/service-status';
import { hostTaskQueue } from '../common/task-queues';
import { HOST_SUMMARIES } from './lib/activity-summaries';

/** A read of what runs: each host agent lists the service's containers. Short and bounded: a host whose
 * agent does not answer within 10 s is reported as such, not waited for. */
export async function serviceStatus(input: ServiceStatusInput): Promise<ServiceStatusResult> {
  const hosts = await Promise.all(
    input.hosts.map(async (host) => {
      const { listServiceContainers } = proxyActivities<HostActivities>({
        taskQueue: hostTaskQueue(host),
        startToCloseTimeout: '10s',
        scheduleToCloseTimeout: '10s',
        retry: { maximumAttempts: 1 },
      });
      try {
        const read = { service: input.service };
        return {
          host,
          containers: await listServiceContainers.executeWithOptions(
            { summary: `${HOST_SUMMARIES.listServiceContainers(read)} on ${host}` },
            [read],
          ),
        };
      } catch (e) {
        return {
          host,
          error: `host agent did not answer: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`,
        };
      }
    }),
  );
  return { service: input.service, hosts };
}
