import { setCurrentDetails } from '@temporalio/workflow';
import { SERVICE_LOGS_MAX_BYTES, type ServiceLogsInput, type ServiceLogsResult } from '../common/service-logs';
import { phaseDetails } from '../common/phase-details';
import { HOST_SUMMARIES } from './lib/activity-summaries';
import { listOn, readAgent, readFailure } from './lib/service-read';

/** A read of the newest logs of a service's containers on each host (`dockhand logs`). Bounded like
 * serviceStatus: a host agent that does not answer within 10 s is reported, not waited for; each
 * container's logs are cut to the newest lines and bytes. */
export async function serviceLogs(input: ServiceLogsInput): Promise<ServiceLogsResult> {
  // Current details only (no phase search attribute): this short read's histories stay as recorded.
  setCurrentDetails(
    phaseDetails(
      'reading',
      `each host agent returns the last ${input.tail} log lines of each container of ${input.service}`,
      `the host agents of ${input.hosts.join(', ')}`,
    ),
  );
  const hosts = await Promise.all(
    input.hosts.map(async (host) => {
      const { containerLogs } = readAgent(host);
      try {
        const all = await listOn(host, input.service);
        const chosen = all.filter((c) => input.includeEdge || c.name !== `${input.service}-edge`);
        const containers = await Promise.all(
          chosen.map(async (c) => {
            try {
              const request = { name: c.name, tail: input.tail, timestamps: true, maxBytes: SERVICE_LOGS_MAX_BYTES };
              const logs = await containerLogs.executeWithOptions(
                { summary: `${HOST_SUMMARIES.containerLogs(request)} on ${host}` },
                [request],
              );
              return { name: c.name, image: c.image, running: c.running, ...logs };
            } catch (e) {
              return {
                name: c.name,
                image: c.image,
                running: c.running,
                stdout: '',
                stderr: '',
                truncated: false,
                error: readFailure(e),
              };
            }
          }),
        );
        return { host, containers };
      } catch (e) {
        return { host, error: `host agent did not answer: ${readFailure(e)}` };
      }
    }),
  );
  setCurrentDetails(
    phaseDetails(
      'done',
      hosts.map((h) => `${h.host}: ${h.error ?? `${h.containers?.length ?? 0} container(s)`}`).join('; '),
    ),
  );
  return { service: input.service, hosts };
}
