import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { CancelledFailure, type ApplicationFailure } from '@temporalio/common';
import type { DockhandConfig } from '../../common/config';
import { ErrorType } from '../../common/errors';
import type { LaunchContainersRequest, LaunchContainersResult } from '../../common/launch-containers';
import { containersOf, docker, removeService } from '../support/docker';
import { testClient } from '../support/temporal';
import { startWorkers, testIds } from '../support/workers';

const ids = testIds('launch');
const service = `launch-${ids.suffix}`;
let client: Client;
let config: DockhandConfig;
let workers: Awaited<ReturnType<typeof startWorkers>>;

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  workers = await startWorkers(ids);
});
afterAll(async () => {
  await workers?.stop();
  await removeService(service);
});

const launch = (request: LaunchContainersRequest, id: string) =>
  client.workflow.execute<(r: LaunchContainersRequest) => Promise<LaunchContainersResult>>('launchContainers', {
    taskQueue: config.orchestratorTaskQueue,
    workflowId: `test/${service}/${id}`,
    args: [request],
  });

describe('launchContainers (activities through real workers and Temporal)', () => {
  const request = (image = 'dockhand-fixture-app:v1'): LaunchContainersRequest => ({
    host: ids.hostId,
    containers: [0, 1, 2].map((i) => ({
      name: `${service}-${i}`,
      service,
      spec: { image, init: true, resources: { memory: '32m', cpus: '0.5' } },
    })),
    healthTimeoutMs: 60_000,
  });

  it('creates, starts and sees healthy several containers; a second run reuses them', async () => {
    const first = await launch(request(), 'one');
    expect(first.containers.map((c) => [c.name, c.health, c.created])).toEqual(
      [0, 1, 2].map((i) => [`${service}-${i}`, 'healthy', true]),
    );
    const info = await docker.getContainer(`${service}-0`).inspect();
    expect(info.HostConfig).toMatchObject({ Memory: 32 * 1024 ** 2, NanoCpus: 500_000_000 });
    const second = await launch(request(), 'two');
    expect(second.containers.map((c) => c.id)).toEqual(first.containers.map((c) => c.id));
    expect(second.containers.every((c) => !c.created)).toBe(true);
    expect(await containersOf(service)).toHaveLength(3);
  });

  it('fails with a typed Conflict when a name holds another spec, replacing nothing', async () => {
    const err = await launch(request('dockhand-fixture-app:v2'), 'three').catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause?.cause as ApplicationFailure).type).toBe(ErrorType.Conflict);
    expect((await docker.getContainer(`${service}-0`).inspect()).Config.Image).toBe('dockhand-fixture-app:v1');
  });

  it('ends promptly when cancelled during the health wait', async () => {
    const name = `${service}-broken`;
    const handle = await client.workflow.start('launchContainers', {
      taskQueue: config.orchestratorTaskQueue,
      workflowId: `test/${service}/cancel`,
      args: [
        {
          host: ids.hostId,
          containers: [{ name, service, spec: { image: 'dockhand-fixture-app:broken', init: true } }],
          healthTimeoutMs: 120_000,
        } satisfies LaunchContainersRequest,
      ],
    });
    const deadline = Date.now() + 60_000;
    while (
      !(await docker
        .getContainer(name)
        .inspect()
        .then(
          (i) => i.State.Running,
          () => false,
        ))
    ) {
      if (Date.now() > deadline) throw new Error(`${name} never started`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const cancelledAt = Date.now();
    await handle.cancel();
    const err = await handle.result().catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - cancelledAt).toBeLessThan(15_000);
  });
});
