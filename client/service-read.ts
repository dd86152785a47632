import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { startPresentation, type Presentation } from './presentation';

type Shown = Pick<Presentation, 'summary' | 'what' | 'facts'>;

/**
 * A short read of a service on its hosts (serviceStatus, serviceLogs): the returned function starts the
 * workflow and waits for its result, with a fresh workflow id per read (reads never lock the service) and
 * a 30 s bound, so a read never hangs. `shown` says what the Temporal UI shows for one read.
 */
export function serviceRead<I extends { service: string }, R>(
  workflowType: string,
  idPrefix: string,
  shown: (input: I) => Shown,
): (client: Client, config: DockhandConfig, input: I) => Promise<R> {
  return (client, config, input) =>
    client.workflow.execute(workflowType, {
      taskQueue: config.orchestratorTaskQueue,
      workflowId: `${idPrefix}/${input.service}/${randomUUID()}`,
      args: [input],
      workflowExecutionTimeout: '30s',
      ...startPresentation({ workflowType, ...shown(input), service: input.service }),
    }) as Promise<R>;
}
