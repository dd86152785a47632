import { DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import { loadConfig } from '../../common/config';
import { orchestratorBundle, workflowBundle } from '../../workers/lib/workflow-bundle';

/** The orchestrator's workflow bundle, kept where the orchestrator keeps it: a test file and the workers
 * it starts build it once between them, not once each. */
export async function testWorkflowBundle(): Promise<WorkflowBundle> {
  const request = { ...orchestratorBundle(), logger: new DefaultLogger('ERROR') };
  return (await workflowBundle(request, loadConfig().workflowCacheDir)).bundle;
}
