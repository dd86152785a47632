import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';

/** The workflow's latest run, or undefined when no workflow has that id (never started, or past retention). */
export async function describeIfAny(
  client: Client,
  workflowId: string,
): Promise<WorkflowExecutionDescription | undefined> {
  return client.workflow
    .getHandle(workflowId)
    .describe()
    .catch((e) => {
      if (e instanceof WorkflowNotFoundError) return undefined;
      throw e;
    });
}
