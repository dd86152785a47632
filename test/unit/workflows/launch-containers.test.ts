import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAUNCH_AT_ONCE,
  type LaunchContainersRequest,
  type LaunchContainersResult,
} from '../../../common/launch-containers';
import { ErrorType } from '../../../common/errors';
import { createWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-env';

// launchContainers' fan-out against stub activities on a private dev server; what the engine does is
// test/integration/launch-containers.test.ts's.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

/** Stub host activities that count how many containers are between create and healthy at once. */
function countingHost() {
  const seen = { inFlight: 0, most: 0, created: [] as string[] };
  const activities = {
    ensureNetwork: async () => ({ id: 'net', created: false }),
    ensureImage: async () => ({ id: 'img', pulled: false }),
    async createContainer({ name }: { name: string }) {
      seen.created.push(name);
      seen.most = Math.max(seen.most, ++seen.inFlight);
      return { id: `id-${name}`, specHash: 'h', created: true };
    },
    startContainer: async () => ({ changed: true }),
    async waitHealthy() {
      await new Promise((r) => setTimeout(r, 50));
      seen.inFlight--;
      return { health: 'healthy' };
    },
  };
  return { seen, activities };
}

const request = (hostId: string, count: number): LaunchContainersRequest => ({
  host: hostId,
  containers: Array.from({ length: count }, (_, i) => ({
    name: `app-${i + 1}`,
    service: 'app',
    spec: { image: 'app:v1' },
  })),
});

describe('launchContainers: bounded fan-out and input size (L7)', () => {
  it(`launches ${LAUNCH_AT_ONCE} containers at a time, never all at once; every one is launched`, async () => {
    const { seen, activities } = countingHost();
    const result = (await t.run(activities, async ({ taskQueue, hostId }) =>
      t.env.client.workflow.execute('launchContainers', {
        taskQueue,
        workflowId: `launch-${Date.now()}`,
        args: [request(hostId, 20)],
      }),
    )) as LaunchContainersResult;
    expect(result.containers.map((c) => c.name)).toEqual(Array.from({ length: 20 }, (_, i) => `app-${i + 1}`));
    expect(seen.created).toHaveLength(20);
    expect(seen.most).toBe(LAUNCH_AT_ONCE);
  });

  it('refuses more than 100 containers in one launch, naming the field, before any activity runs', async () => {
    const { seen, activities } = countingHost();
    const err = await t.run(activities, async ({ taskQueue, hostId }) =>
      t.env.client.workflow
        .execute('launchContainers', {
          taskQueue,
          workflowId: `launch-big-${Date.now()}`,
          args: [request(hostId, 101)],
        })
        .catch((e: unknown) => e),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(ErrorType.BadSpec);
    expect(cause.message).toContain('input.containers: at most 100 containers per launch');
    expect(seen.created).toEqual([]);
  });
});
