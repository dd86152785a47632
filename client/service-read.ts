import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { startPresentation, type Presentation } from './presentation';

/**
 * Runs a short read of a service on its hosts (serviceStatus, serviceLogs) and returns its result: a
 * fresh workflow id per read (reads never lock the service) and a 30 s bound, so a read never hangs.
 */
export async function readService<R>(
  client: Client,
  config: DockhandConfig,
  read: { workflowType: string; idPrefix: string; input: { service: string } },
  shown: Pick<Presentation, 'summary' | 'what' | 'facts'>,
): Promise<R> {
  const { workflowType, input } = read;
  return client.workflow.execute(workflowType, {
    taskQueue: config.orchestratorTaskQueue,
    workflowId: `${read.idPrefix}/${input.service}/${randomUUID()}`,
    args: [input],
    workflowExecutionTimeout: '30s',
    ...startPresentation({ workflowType, ...shown, service: input.service }),
  }) as Promise<R>;
}
