import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';

/** Starts a workflow under its lock id; when one already runs there, the error names it and says how
 * to follow, approve, reject or cancel it. */
export async function startLocked<A extends unknown[]>(
  client: Client,
  config: DockhandConfig,
  workflowType: string,
  workflowId: string,
  args: A,
  options: {
    searchAttributes?: Parameters<Client['workflow']['start']>[1]['typedSearchAttributes'];
    staticSummary?: string;
  } = {},
): Promise<WorkflowHandle> {
  try {
    return await client.workflow.start(workflowType, {
      taskQueue: config.orchestratorTaskQueue,
      workflowId,
      args,
      typedSearchAttributes: options.searchAttributes,
      staticSummary: options.staticSummary,
    });
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) {
      throw new Error(
        `${workflowId} is already running (another change of this service is in progress). ` +
          `Follow it in the Temporal UI: ${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows/${encodeURIComponent(workflowId)} ; ` +
          `answer it with "dockhand approve|reject <service>", or cancel it with "temporal workflow cancel --workflow-id ${workflowId}".`,
        { cause: e },
      );
    }
    throw e;
  }
}
