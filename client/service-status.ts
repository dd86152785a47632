import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import type { ServiceStatusInput, ServiceStatusResult } from '../common/service-status';
import { startPresentation } from './presentation';

/** Runs the short `serviceStatus` read (each host agent lists the service's containers). */
export async function readServiceStatus(
  client: Client,
  config: DockhandConfig,
  input: ServiceStatusInput,
): Promise<ServiceStatusResult> {
  return client.workflow.execute('serviceStatus', {
    taskQueue: config.orchestratorTaskQueue,
    workflowId: `status/${input.service}/${randomUUID()}`,
    args: [input],
    workflowExecutionTimeout: '30s',
    ...startPresentation({
      workflowType: 'serviceStatus',
      summary: `status of ${input.service} on ${input.hosts.join(', ')}`,
      what: "a short read: each host agent lists the service's containers (a host that does not answer within 10 s is reported).",
      facts: { Service: `\`${input.service}\``, Hosts: input.hosts.join(', '), 'Started by': '`dockhand status`' },
      service: input.service,
    }),
  }) as Promise<ServiceStatusResult>;
}
