import path from 'node:path';
import { DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import { loadConfig } from '../../common/config';
import { workflowBundle } from '../../workers/lib/workflow-bundle';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../workers/lib/workflow-interceptors';

/** The orchestrator's workflow bundle (the same modules and interceptors), kept where the orchestrator
 * keeps it: a test file and the workers it starts build it once between them, not once each. */
export async function testWorkflowBundle(): Promise<WorkflowBundle> {
  const { bundle } = await workflowBundle(
    {
      workflowsPath: path.join(__dirname, '..', '..', 'workflows', 'index.ts'),
      workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
      logger: new DefaultLogger('ERROR'),
    },
    loadConfig().workflowCacheDir,
  );
  return bundle;
}
