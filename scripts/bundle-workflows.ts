import { DefaultLogger } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../client/data-converter';
import { loadConfig } from '../common/config';
import { orchestratorBundle, workflowBundle } from '../workers/lib/workflow-bundle';

/**
 * Builds the orchestrator's workflow bundles into DOCKHAND_WORKFLOW_CACHE_DIR ahead of its first start
 * (docker/Dockerfile runs it): the one for payloads in clear and the one with encrypted payloads'
 * failure converter, so an orchestrator of the image starts without webpack either way.
 */
async function main(): Promise<void> {
  const dir = loadConfig().workflowCacheDir;
  if (!dir) throw new Error('DOCKHAND_WORKFLOW_CACHE_DIR is off: nowhere to keep the bundles');
  for (const converter of [undefined, FAILURE_CONVERTER_PATH]) {
    const request = { ...orchestratorBundle(converter), logger: new DefaultLogger('WARN') };
    const { source, warning } = await workflowBundle(request, dir);
    if (warning) throw new Error(warning);
    console.log(
      `workflow bundle ${converter ? 'with the failure converter' : 'for payloads in clear'}: ${source} in ${dir}`,
    );
  }
}

main().catch((err: Error) => {
  console.error(`bundle-workflows: ${err.message}`);
  process.exit(1);
});
