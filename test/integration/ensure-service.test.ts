import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { startEnsureService } from '../../client/ensure-service';
import type { DockhandConfig } from '../../common/config';
import type { EnsureServiceRequest } from '../../common/ensure-service';
import { ErrorType } from '../../common/errors';
import { Labels } from '../../common/labels';
import { serviceChangeId } from '../../common/workflow-ids';
import { createHostActivities } from '../../activities';
import { containersOf, docker, removeNetwork, removeService } from '../support/docker';
import { testClient } from '../support/temporal';
import { startWorker, startWorkers, testIds } from '../support/workers';

const ids = testIds('ensure');
const network = `dh-test-${ids.suffix}`;
let client: Client;
let config: DockhandConfig;
let workers: Awaited<ReturnType<typeof startWorkers>>;
const services: string[] = [];

function request(service: string, spec: Partial<EnsureServiceRequest['spec']> = {}): EnsureServiceRequest {
  services.push(service);
  return {
    service,
    host: ids.hostId,
    spec: {
      image: 'dockhand-fixture-app:v1',
      init: true,
      network,
      ports: [{ container: 8080, hostIp: '127.0.0.1' }],
      labels: { team: 'qa' },
      ...spec,
    },
    healthTimeoutMs: 30_000,
  };
}

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  workers = await startWorkers(ids);
});
afterAll(async () => {
  await workers?.stop();
  await Promise.all(services.map(removeService));
  await removeNetwork(network);
});

describe('ensureService (real engine, real Temporal)', () => {
  it('creates a healthy, labelled container that answers on its port; a second run changes nothing', async () => {
    const service = `web-${ids.suffix}`;
    const first = await (await startEnsureService(client, config, request(service))).result();
    expect(first).toMatchObject({ service, containerName: service, health: 'healthy', reused: false, replaced: false });

    const info = await docker.getContainer(service).inspect();
    expect(info.State.Health?.Status).toBe('healthy');
    expect(info.Config.Labels).toMatchObject({
      [Labels.managed]: 'true',
      [Labels.service]: service,
      [Labels.host]: ids.hostId,
      [Labels.specHash]: first.specHash,
      team: 'qa',
    });
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([network]);
    const port = first.ports.find((p) => p.container === 8080)!;
    expect(port.hostIp).toBe('127.0.0.1');
    expect(await (await fetch(`http://127.0.0.1:${port.hostPort}/version`)).text()).toBe('v1\n');

    const second = await (await startEnsureService(client, config, request(service))).result();
    expect(second).toMatchObject({
      containerId: first.containerId,
      specHash: first.specHash,
      reused: true,
      replaced: false,
    });
    expect((await docker.getContainer(service).inspect()).State.StartedAt).toBe(info.State.StartedAt);
  });

  it('replaces its own container when the spec changes', async () => {
    const service = `swap-${ids.suffix}`;
    const v1 = await (await startEnsureService(client, config, request(service))).result();
    const v2 = await (
      await startEnsureService(client, config, request(service, { image: 'dockhand-fixture-app:v2' }))
    ).result();
    expect(v2).toMatchObject({ replaced: true, reused: false, image: 'dockhand-fixture-app:v2' });
    expect(v2.specHash).not.toBe(v1.specHash);
    expect(await containersOf(service)).toHaveLength(1);
    expect(await (await fetch(`http://127.0.0.1:${v2.ports[0]!.hostPort}/version`)).text()).toBe('v2\n');
  });

  it('a bad new spec leaves the old container serving: staged as <svc>-next, never swapped (M10)', async () => {
    const service = `stage-${ids.suffix}`;
    const v1 = await (await startEnsureService(client, config, request(service))).result();
    const before = await docker.getContainer(service).inspect();
    const err = await (
      await startEnsureService(client, config, {
        ...request(service, { image: 'dockhand-fixture-app:broken' }),
        healthTimeoutMs: 8_000,
      })
    )
      .result()
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const after = await docker.getContainer(service).inspect();
    expect(after.Id).toBe(v1.containerId);
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    expect((await containersOf(service)).map((c) => c.Names[0])).toEqual([`/${service}`]);
    expect(await (await fetch(`http://127.0.0.1:${v1.ports[0]!.hostPort}/version`)).text()).toBe('v1\n');
  });

  it('a replace swaps names only after the staged copy is healthy; the old one is then removed', async () => {
    const service = `stage2-${ids.suffix}`;
    const v1 = await (await startEnsureService(client, config, request(service))).result();
    const v2 = await (
      await startEnsureService(client, config, request(service, { image: 'dockhand-fixture-app:v2' }))
    ).result();
    expect(v2).toMatchObject({ replaced: true, containerName: service });
    expect(v2.warnings).toBeUndefined();
    expect(v2.containerId).not.toBe(v1.containerId);
    expect((await containersOf(service)).map((c) => c.Names[0])).toEqual([`/${service}`]);
    // Idempotent after the rename: the same spec again is reused, not replaced (the hash ignores names).
    const again = await (
      await startEnsureService(client, config, request(service, { image: 'dockhand-fixture-app:v2' }))
    ).result();
    expect(again).toMatchObject({ reused: true, replaced: false, containerId: v2.containerId });
  });

  it('never touches a container it does not manage: typed conflict', async () => {
    const service = `foreign-${ids.suffix}`;
    services.push(service);
    const foreign = await docker.createContainer({
      name: service,
      Image: 'dockhand-fixture-app:v1',
      Labels: { [Labels.service]: service },
    });
    try {
      const err = await (await startEnsureService(client, config, request(service))).result().catch((e) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ActivityFailure);
      expect((cause!.cause as ApplicationFailure).type).toBe(ErrorType.Conflict);
      expect((cause!.cause as Error).message).toContain('a container Dockhand does not manage');
      expect((await docker.getContainer(service).inspect()).Id).toBe(foreign.id);
    } finally {
      await foreign.remove({ force: true });
    }
  });

  it('runs an activity twice with the same result (createContainer, startContainer)', async () => {
    const service = `twice-${ids.suffix}`;
    services.push(service);
    const activities = createHostActivities(docker, ids.hostId);
    const env = new MockActivityEnvironment();
    const input = { name: service, service, spec: { image: 'dockhand-fixture-app:v1', init: true } } as Parameters<
      typeof activities.createContainer
    >[0];
    const a = (await env.run(activities.createContainer, input)) as Awaited<
      ReturnType<typeof activities.createContainer>
    >;
    const b = await env.run(activities.createContainer, input);
    expect(b).toEqual({ ...a, created: false });
    expect(a.created).toBe(true);
    await env.run(activities.startContainer, { name: service });
    await env.run(activities.startContainer, { name: service }); // 304: already started
    expect((await docker.getContainer(service).inspect()).State.Running).toBe(true);
    expect(await env.run(activities.removeContainer, { name: service })).toEqual({ removed: true });
    expect(await env.run(activities.removeContainer, { name: service })).toEqual({ removed: false });
  });

  it('survives a SIGKILLed host agent while waiting for health: exactly one container', async () => {
    const service = `crash-${ids.suffix}`;
    // A slow first health check (interval 4s) leaves time to kill the agent mid-wait.
    const handle = await startEnsureService(
      client,
      config,
      request(service, {
        healthcheck: {
          test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
          interval: '4s',
          retries: 3,
        },
      }),
    );
    await waitFor(async () => (await containersOf(service)).some((c) => c.State === 'running'), 30_000);
    await workers.agent.crash();
    const replacement = startWorker('host-agent', ids);
    await replacement.ready;
    workers.agent = replacement;
    const result = await handle.result();
    expect(result.health).toBe('healthy');
    const all = await containersOf(service);
    expect(all).toHaveLength(1);
    expect(all[0]!.Id).toBe(result.containerId);
  });

  it('fails fast and non-retryably on an unknown image, leaving no container', async () => {
    const service = `noimg-${ids.suffix}`;
    const started = Date.now();
    const err = await (
      await startEnsureService(client, config, request(service, { image: 'dockhand-fixture-app:does-not-exist' }))
    )
      .result()
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const app = (err as WorkflowFailedError).cause?.cause as ApplicationFailure;
    expect(app.type).toBe(ErrorType.ImageMissing);
    expect(app.nonRetryable).toBe(true);
    expect(app.message).toContain('dockhand-fixture-app:does-not-exist');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await containersOf(service)).toHaveLength(0);
  });

  it('refuses a malformed spec before any workflow starts', async () => {
    const service = `bad-${ids.suffix}`;
    const bad = {
      ...request(service),
      spec: { image: 'dockhand-fixture-app:v1', ports: [{ container: 'http' }] },
    } as unknown as EnsureServiceRequest;
    const err = await startEnsureService(client, config, bad).catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(ErrorType.BadSpec);
    expect((err as Error).message).toContain('input.spec.ports.0.container');
    const described = await client.workflow
      .getHandle(serviceChangeId(service))
      .describe()
      .catch((e) => e);
    expect(described).toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refuses a second change of a running service, naming the running workflow', async () => {
    const service = `lock-${ids.suffix}`;
    const slow = request(service, {
      healthcheck: {
        test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
        interval: '3s',
      },
    });
    const first = await startEnsureService(client, config, slow);
    const err = await startEnsureService(client, config, request(service)).catch((e) => e);
    expect((err as Error).message).toContain(`deploy/${service} is already running`);
    await first.result();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
