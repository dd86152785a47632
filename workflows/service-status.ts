import { proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { HostActivities } from '../activities';
import { phaseDetails } from '../common/phase-details';
import type { ServiceStatusInput, ServiceStatusResult } from '../common/service-status';
import { hostTaskQueue } from '../common/task-queues';
import { HOST_SUMMARIES } from './lib/activity-summaries';

/** A read of what runs: each host agent lists the service's containers. Short and bounded: a host whose
 * agent does not answer within 10 s is reported as such, not waited for. */
export async function serviceStatus(input: ServiceStatusInput): Promise<ServiceStatusResult> {
  // Current details only (no phase search attribute): this short read's histories stay as recorded.
  setCurrentDetails(
    phaseDetails(
      'reading',
      `each host agent lists the containers of ${input.service}`,
      `the host agents of ${input.hosts.join(', ')}`,
    ),
  );
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
  setCurrentDetails(
    phaseDetails(
      'done',
      hosts.map((h) => `${h.host}: ${'error' in h ? h.error : `${h.containers.length} container(s)`}`).join('; '),
    ),
  );
  return { service: input.service, hosts };
}
