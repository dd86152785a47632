import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import type { ServiceStatusInput, ServiceStatusResult } from '../common/service-status';

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
  }) as Promise<ServiceStatusResult>;
}
