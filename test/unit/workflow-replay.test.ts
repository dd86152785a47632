import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { beforeAll, describe, it } from 'vitest';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../workers/lib/workflow-interceptors';

// Finished runs recorded with scripts/save-history.sh. Today's workflow code must make the same
// decisions from the same history, or a run in flight during an upgrade would fail on the new code:
// a change that breaks one of these needs a patched() marker, not a new fixture.
const dir = path.join(__dirname, '..', 'fixtures', 'histories');
let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', '..', 'workflows', 'index.ts'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: new DefaultLogger('ERROR'),
  });
}, 120_000);

describe('workflow code replays the recorded histories', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    it(
      file.replace(/\.json$/, ''),
      async () => {
        const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
        await Worker.runReplayHistory({ workflowBundle, replayName: file }, history);
      },
      60_000,
    );
  }
});
