import { setCurrentDetails } from '@temporalio/workflow';
import { phaseDetails } from '../common/phase-details';
import type { ServiceStatusInput, ServiceStatusResult } from '../common/service-status';
import { listOn, readFailure } from './lib/service-read';

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
      try {
        return { host, containers: await listOn(host, input.service) };
      } catch (e) {
        return { host, error: `host agent did not answer: ${readFailure(e)}` };
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
