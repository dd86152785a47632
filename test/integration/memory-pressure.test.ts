import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type Docker from 'dockerode';
import { Labels } from '../../common/labels';
import type { EngineEvent } from '../../common/events/engine-event';
import type { MemoryPressureResult } from '../../common/remediation/memory-pressure';
import { remediationStatusQuery } from '../../common/remediation/signals';
import { remediationId } from '../../common/workflow-ids';
import { docker } from '../support/docker';
import { oomKilledContainer } from '../support/oom-kill';
import { testQueue, waitFor, webhookReceiver, writeRules } from '../support/events';
import { testClient } from '../support/temporal';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';

const ids = testIds('mem');
const queueName = `dockhand-events-${ids.suffix}`;
const MiB = 1024 * 1024;
const optIn = (tier: string) => ({ 'dockhand.test': ids.suffix, tier });
const rules = {
  rules: [
    {
      name: 'stats-raise',
      match: { action: 'memory_pressure', labels: { 'dockhand.autoscale': 'true', ...optIn('raise') } },
      workflow: 'memoryPressure',
      args: { factor: 2, ceiling: '64m', idleMs: '30s' },
    },
    {
      name: 'stats-ceiling',
      match: { action: 'memory_pressure', labels: { 'dockhand.autoscale': 'true', ...optIn('ceiling') } },
      workflow: 'memoryPressure',
      args: { factor: 2, ceiling: '16m', idleMs: '30s' },
    },
    {
      name: 'oom',
      match: { action: 'oom', labels: optIn('oom') },
      workflow: 'memoryPressure',
      args: { factor: 2, ceiling: '64m', idleMs: '30s' },
    },
  ],
};
let client: Client;
let workers: WorkerProcess[] = [];
let notifications: Awaited<ReturnType<typeof webhookReceiver>>;
const events = testQueue(queueName);
const containers: string[] = [];

beforeAll(async () => {
  ({ client } = await testClient(ids));
  notifications = await webhookReceiver();
  const env = { DOCKHAND_EVENTS_QUEUE: queueName };
  workers = [
    startWorker('orchestrator', ids, { ...env, DOCKHAND_NOTIFY_WEBHOOK_URL: notifications.url }),
    startWorker('host-agent', ids, {
      ...env,
      DOCKHAND_EVENTS_PUBLISH: '1',
      DOCKHAND_MEMORY_SAMPLE_MS: '1000',
      DOCKHAND_MEMORY_THRESHOLD_PCT: '70',
    }),
    startWorker('trigger', ids, { ...env, DOCKHAND_RULES: writeRules(rules) }),
  ];
  await Promise.all(workers.map((w) => w.ready));
});
afterAll(async () => {
  for (const name of containers) {
    await client.workflow
      .getHandle(remediationId('memory-pressure', ids.hostId, name))
      .terminate('test over')
      .catch(() => undefined);
    for (const n of [name, `${name}-recreate`])
      await docker
        .getContainer(n)
        .remove({ force: true })
        .catch(() => undefined);
  }
  await Promise.all(workers.map((w) => w.stop()));
  await notifications?.close();
  await events.dispose();
});

/** A container that fills `fillMiB` of /dev/shm (a tmpfs: its pages count against the container's
 * memory) and then holds it; the opt-in labels say which rule it falls under. */
async function memoryHog(
  name: string,
  labels: Record<string, string>,
  memory: number,
  memorySwap: number,
  fillMiB: number,
  extra: Partial<Docker.ContainerCreateOptions> = {},
) {
  containers.push(name);
  const c = await docker.createContainer({
    name,
    Image: 'dockhand-fixture-app:v1',
    Labels: labels,
    HostConfig: { Init: true, Memory: memory, MemorySwap: memorySwap },
    Entrypoint: [
      '/bin/busybox',
      'sh',
      '-c',
      `/bin/busybox dd if=/dev/zero of=/dev/shm/fill bs=1M count=${fillMiB} 2>/dev/null && exec /bin/busybox sleep 3600`,
    ],
    ...extra,
  });
  await c.start();
  return c;
}
/** A container (opted in to the OOM rule) that needs 24 MiB in one process: killed at 16 MiB, fine at 32. */
const oomHog = (name: string) =>
  docker.createContainer({
    name,
    Image: 'dockhand-fixture-app:v1',
    Labels: optIn('oom'),
    HostConfig: { Init: true, Memory: 16 * MiB, MemorySwap: 16 * MiB },
    Entrypoint: [
      '/bin/busybox',
      'sh',
      '-c',
      '/bin/busybox head -c 24m /dev/zero | /bin/busybox tail >/dev/null && exec /bin/busybox sleep 3600',
    ],
  });
/** The remediation's status once it has recorded a change (the engine changes a moment before). */
const recordedChanges = (name: string) =>
  waitFor(
    async () => {
      const s = await client.workflow
        .getHandle(remediationId('memory-pressure', ids.hostId, name))
        .query(remediationStatusQuery);
      return s.changes.length > 0 ? s : undefined;
    },
    30_000,
    `change of ${name} recorded`,
  );
const notesFor = (name: string) => notifications.received.filter((n) => n.container === name);

describe('memory pressure from stats and OOM kills (real engine, Redis, Temporal)', { timeout: 150_000 }, () => {
  it('raises the limit of an opted-in container live when its usage passes the threshold: memory and swap, never restarted', async () => {
    const name = `mem-raise-${ids.suffix}`;
    const c = await memoryHog(name, { 'dockhand.autoscale': 'true', ...optIn('raise') }, 16 * MiB, 24 * MiB, 13);
    const before = await c.inspect();
    const after = await waitFor(
      async () => {
        const i = await c.inspect();
        return i.HostConfig.Memory === 32 * MiB ? i : undefined;
      },
      60_000,
      'memory limit raised to 32 MiB',
    );
    expect(after.HostConfig.MemorySwap).toBe(40 * MiB); // the 8 MiB of swap stay on top
    expect(after.State).toMatchObject({ Running: true, StartedAt: before.State.StartedAt });
    expect(after.RestartCount).toBe(0);
    const status = await recordedChanges(name);
    expect(status.changes).toEqual([
      {
        from: 16 * MiB,
        to: 32 * MiB,
        swapFrom: 24 * MiB,
        swapTo: 40 * MiB,
        how: 'live-update',
        restarted: false,
        reason: expect.stringContaining('raised live'),
        at: expect.any(String),
      },
    ]);
    await waitFor(() => notesFor(name).length === 1, 30_000, 'change notified');
    expect(notesFor(name)[0]).toMatchObject({
      severity: 'info',
      title: `${name} on ${ids.hostId}: memory ${16 * MiB} → ${32 * MiB} bytes (live-update)`,
    });
    // 13 MiB of 32 is under the threshold: no further raise.
    await new Promise((r) => setTimeout(r, 4000));
    expect((await c.inspect()).HostConfig.Memory).toBe(32 * MiB);
  });

  it('at the ceiling: notifies once and changes nothing', async () => {
    const name = `mem-ceiling-${ids.suffix}`;
    const c = await memoryHog(name, { 'dockhand.autoscale': 'true', ...optIn('ceiling') }, 16 * MiB, 16 * MiB, 13);
    const result = (await waitFor(
      () =>
        client.workflow
          .getHandle(remediationId('memory-pressure', ids.hostId, name))
          .result()
          .catch(() => undefined),
      60_000,
      'ceiling reached',
    )) as MemoryPressureResult;
    expect(result).toEqual({ container: name, changes: [], ceilingReached: true });
    // Samples keep finding the pressure; the limit is the same, so no second event, no second notification.
    await new Promise((r) => setTimeout(r, 5000));
    expect(notesFor(name)).toHaveLength(1);
    expect(notesFor(name)[0]).toMatchObject({
      severity: 'warning',
      title: `${name} on ${ids.hostId} needs more memory than the ceiling`,
    });
    const i = await c.inspect();
    expect([i.HostConfig.Memory, i.HostConfig.MemorySwap, i.State.Running, i.RestartCount]).toEqual([
      16 * MiB,
      16 * MiB,
      true,
      0,
    ]);
  });

  it('recreates an OOM-killed container with more memory: a new container, same name and spec, the old one removed', async () => {
    let oldInfo: Docker.ContainerInspectInfo | undefined;
    const { container: old, name } = await oomKilledContainer(
      `mem-oom-${ids.suffix}`,
      'event',
      async (n) => {
        const c = await oomHog(n);
        oldInfo = await c.inspect();
        return c;
      },
      containers,
    );
    const fresh = await waitFor(
      async () => {
        const i = await docker
          .getContainer(name)
          .inspect()
          .catch(() => undefined);
        return i && i.Id !== old.id && i.State.Running ? i : undefined;
      },
      60_000,
      'recreated and running',
    );
    expect(fresh.HostConfig).toMatchObject({ Memory: 32 * MiB, MemorySwap: 32 * MiB, Init: true });
    expect(fresh.Config).toMatchObject({
      Image: oldInfo!.Config.Image,
      Entrypoint: oldInfo!.Config.Entrypoint,
      Labels: { ...oldInfo!.Config.Labels, [Labels.recreatedFrom]: old.id },
    });
    await expect(old.inspect()).rejects.toMatchObject({ statusCode: 404 });
    const status = await recordedChanges(name);
    expect(status.changes).toEqual([
      {
        from: 16 * MiB,
        to: 32 * MiB,
        swapFrom: 16 * MiB,
        swapTo: 32 * MiB,
        how: 'recreate',
        restarted: true,
        reason: expect.stringContaining('OOM-killed'),
        at: expect.any(String),
      },
    ]);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await docker.getContainer(name).inspect()).State).toMatchObject({ Running: true, OOMKilled: false });
  });

  it('an OOM kill while the host agent was down is found by its reconcile after the restart, and remediated', async () => {
    const agentEnv = {
      DOCKHAND_EVENTS_QUEUE: queueName,
      DOCKHAND_EVENTS_PUBLISH: '1',
      DOCKHAND_MEMORY_SAMPLE_MS: '1000',
      DOCKHAND_MEMORY_THRESHOLD_PCT: '70',
    };
    await workers[1]!.stop();
    const { container: old, name } = await oomKilledContainer(`mem-away-${ids.suffix}`, 'state', oomHog, containers);
    workers[1] = startWorker('host-agent', ids, agentEnv);
    await workers[1].ready;
    const swept = await waitFor(
      async () => {
        const actions = (await events.all())
          .filter((j) => (j.data as EngineEvent).name === name && (j.data as EngineEvent).source === 'sweep')
          .map((j) => (j.data as EngineEvent).action);
        return actions.length >= 2 ? actions : undefined;
      },
      30_000,
      'reconcile events',
    );
    expect(swept.sort()).toEqual(['die', 'oom']);
    const fresh = await waitFor(
      async () => {
        const i = await docker
          .getContainer(name)
          .inspect()
          .catch(() => undefined);
        return i && i.Id !== old.id && i.State.Running ? i : undefined;
      },
      60_000,
      'recreated after the agent came back',
    );
    expect(fresh.HostConfig.Memory).toBe(32 * MiB);
  });
});
