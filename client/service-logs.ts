import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import type { ServiceLogsInput, ServiceLogsResult } from '../common/service-logs';
import { startPresentation } from './presentation';

/** Runs the short `serviceLogs` read (each host agent returns the newest logs of the service's containers). */
export async function readServiceLogs(
  client: Client,
  config: DockhandConfig,
  input: ServiceLogsInput,
): Promise<ServiceLogsResult> {
  return client.workflow.execute('serviceLogs', {
    taskQueue: config.orchestratorTaskQueue,
    workflowId: `logs/${input.service}/${randomUUID()}`,
    args: [input],
    workflowExecutionTimeout: '30s',
    ...startPresentation({
      workflowType: 'serviceLogs',
      summary: `last ${input.tail} log lines of ${input.service} on ${input.hosts.join(', ')}`,
      what: 'reads the newest log lines of the service’s containers on each host (`docker logs --tail`), bounded; changes nothing',
      facts: { service: input.service, hosts: input.hosts.join(', '), lines: String(input.tail) },
      service: input.service,
    }),
  }) as Promise<ServiceLogsResult>;
}
