import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker, type ReplayResult } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { testWorkflowBundle } from '../support/workflow-bundle';

// Finished runs recorded with scripts/save-history.sh. Today's workflow code must make the same
// decisions from the same history, or a run in flight during an upgrade would fail on the new code:
// a change that breaks one of these needs a patched() marker, not a new fixture.
const dir = path.join(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const results = new Map<string, ReplayResult>();

// One replay worker for every history (a worker per history costs a fresh workflow sandbox each).
beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const workflowBundle = await testWorkflowBundle();
  const histories = files.map((file) => ({
    workflowId: file,
    history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))),
  }));
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'recorded histories' }, histories))
    results.set(result.workflowId, result);
}, 180_000);

describe('workflow code replays the recorded histories', () => {
  for (const file of files) {
    it(file.replace(/\.json$/, ''), () => {
      const result = results.get(file);
      expect(result, `${file} was not replayed`).toBeDefined();
      if (result!.error) throw result!.error;
    });
  }
});
