import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createAnswerIdentityActivities } from '../../activities/changes/answer-identity';
import { createNotifierActivities } from '../../activities/notify/notifier';
import { ALL_SEARCH_ATTRIBUTES } from '../../common/search-attributes';
import { hostTaskQueue } from '../../common/task-queues';
import { testWorkflowBundle } from './workflow-bundle';

/**
 * Workflow tests in seconds: a private Temporal dev server (the stack's own CLI binary, never a
 * download), the orchestrator's kept workflow bundle (built once per version of the code), and workers whose activities are test doubles.
 * Each test gets its own task queues, so tests in a file never see each other's tasks.
 */
export interface WorkflowTestEnv {
  env: TestWorkflowEnvironment;
  bundle: WorkflowBundle;
  /** Runs `body` while an orchestrator worker (the real workflows) and a host worker (`activities`
   * on the queue of `hostId`) serve fresh queues; returns what `body` returns. */
  run<T>(
    activities: object,
    body: (ids: { taskQueue: string; hostId: string }) => Promise<T>,
    /** Extra real activities of the orchestrator's side (the notifier, reports). */
    orchestratorActivities?: object,
  ): Promise<T>;
  /** A client that sends with `identity` (what Temporal records and approver lists check). */
  clientAs(identity: string): Client;
  teardown(): Promise<void>;
}

/** The Temporal CLI scripts/stack.sh builds (or TEMPORAL_CLI_PATH): createLocal must never download. */
function temporalCliPath(): string {
  const candidate =
    process.env.TEMPORAL_CLI_PATH ?? path.join(os.homedir(), '.cache', 'dockhand', 'temporal-v1.4.1', 'temporal');
  if (!existsSync(candidate))
    throw new Error(
      `no Temporal CLI at ${candidate}: run \`bash scripts/stack.sh up\` (it builds it) or set TEMPORAL_CLI_PATH`,
    );
  return candidate;
}

let counter = 0;

export async function createWorkflowTestEnv(): Promise<WorkflowTestEnv> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
      },
    }),
    testWorkflowBundle(),
  ]);
  return {
    env,
    bundle,
    async run(activities, body, orchestratorActivities = {}) {
      const n = `${process.pid}-${++counter}`;
      const ids = { taskQueue: `wf-test-${n}`, hostId: `wf-test-host-${n}` };
      const orchestrator = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: ids.taskQueue,
        workflowBundle: bundle,
        activities: { ...orchestratorTestActivities(env.client), ...orchestratorActivities },
      });
      const host = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: hostTaskQueue(ids.hostId),
        activities,
      });
      return orchestrator.runUntil(host.runUntil(body(ids)));
    },
    clientAs: (identity) =>
      new Client({ connection: env.connection, namespace: env.client.options.namespace, identity }),
    teardown: () => env.teardown(),
  };
}

/** The orchestrator's own activities that workflow tests run for real: the look-up of who sent an answer
 * (it reads the history; no Docker), and the notifier with no channel configured, so the deliveries of a
 * change that ends finish at once instead of retrying for minutes against a worker that lacks them. */
export function orchestratorTestActivities(client: Client) {
  return {
    ...createAnswerIdentityActivities(async () => client),
    ...createNotifierActivities({ temporalUiUrl: 'http://127.0.0.1:8233', namespace: client.options.namespace }),
  };
}
