import { proxyActivities } from '@temporalio/workflow';
import type { HostActivities } from '../activities';
import { SERVICE_LOGS_MAX_BYTES, type ServiceLogsInput, type ServiceLogsResult } from '../common/service-logs';
import { hostTaskQueue } from '../common/task-queues';

/** A read of the newest logs of a service's containers on each host (`dockhand logs`). Bounded like
 * serviceStatus: a host agent that does not answer within 10 s is reported, not waited for; each
 * container's logs are cut to the newest lines and bytes. */
export async function serviceLogs(input: ServiceLogsInput): Promise<ServiceLogsResult> {
  const hosts = await Promise.all(
    input.hosts.map(async (host) => {
      const { listServiceContainers, containerLogs } = proxyActivities<HostActivities>({
        taskQueue: hostTaskQueue(host),
        startToCloseTimeout: '10s',
        scheduleToCloseTimeout: '10s',
        retry: { maximumAttempts: 1 },
      });
      try {
        const all = await listServiceContainers({ service: input.service });
        const chosen = all.filter((c) => input.includeEdge || c.name !== `${input.service}-edge`);
        const containers = await Promise.all(
          chosen.map(async (c) => {
            try {
              const logs = await containerLogs({
                name: c.name,
                tail: input.tail,
                timestamps: true,
                maxBytes: SERVICE_LOGS_MAX_BYTES,
              });
              return { name: c.name, image: c.image, running: c.running, ...logs };
            } catch (e) {
              return {
                name: c.name,
                image: c.image,
                running: c.running,
                stdout: '',
                stderr: '',
                truncated: false,
                error: reason(e),
              };
            }
          }),
        );
        return { host, containers };
      } catch (e) {
        return { host, error: `host agent did not answer: ${reason(e)}` };
      }
    }),
  );
  return { service: input.service, hosts };
}

function reason(e: unknown): string {
  const err = e as Error;
  return err.cause instanceof Error ? err.cause.message : err.message;
}
