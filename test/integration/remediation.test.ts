import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { EngineEvent } from '../../common/events/engine-event';
import { remediationEventSignal, remediationStatusQuery, releaseSignal } from '../../common/remediation/signals';
import { remediationId } from '../../common/workflow-ids';
import { docker } from '../support/docker';
import { testQueue, waitFor, webhookReceiver, writeRules } from '../support/events';
import { runCli } from '../support/cli';
import { clientAs, testClient } from '../support/temporal';
import { ensureHealthSweepSchedule } from '../../client/health-sweep';
import type { DockhandConfig } from '../../common/config';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';

const ids = testIds('remed');
const key = (name: string) => path.join(__dirname, '..', 'fixtures', 'answer-keys', name);
const queueName = `dockhand-events-${ids.suffix}`;
const optIn = { 'dockhand.autoheal': 'true', 'dockhand.test': ids.suffix };
const MAX_RESTARTS = 2;
const rules = {
  rules: [
    {
      name: 'autoheal',
      match: { action: 'health_status', status: 'unhealthy', labels: optIn },
      workflow: 'restartUnhealthy',
      args: {
        maxRestarts: MAX_RESTARTS,
        windowMs: '2m',
        backoffMs: '500ms',
        stopTimeoutS: 1,
        quarantine: 'stop',
        idleMs: '1m',
        // Issue 16: a release follows the one answer policy, signatures included.
        releaseApprovers: ['oncall'],
        releaseKeys: { oncall: readFileSync(key('ann_ed25519.pub'), 'utf8').trim() },
        releaseRequireSignatures: true,
      },
    },
  ],
};
let client: Client;
let config: DockhandConfig;
let workers: WorkerProcess[] = [];
let notifications: Awaited<ReturnType<typeof webhookReceiver>>;
const events = testQueue(queueName);
const containers: string[] = [];

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  notifications = await webhookReceiver();
  const env = { DOCKHAND_EVENTS_QUEUE: queueName };
  workers = [
    startWorker('orchestrator', ids, { ...env, DOCKHAND_NOTIFY_WEBHOOK_URL: notifications.url }),
    startWorker('host-agent', ids, { ...env, DOCKHAND_EVENTS_PUBLISH: '1' }),
    startWorker('trigger', ids, { ...env, DOCKHAND_RULES: writeRules(rules) }),
  ];
  await Promise.all(workers.map((w) => w.ready));
});
afterAll(async () => {
  for (const name of containers) {
    for (const kind of ['restart-unhealthy'])
      await client.workflow
        .getHandle(remediationId(kind, ids.hostId, name))
        .terminate('test over')
        .catch(() => undefined);
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
  }
  await Promise.all(workers.map((w) => w.stop()));
  await notifications?.close();
  await events.dispose();
});

async function run(name: string, image: string, extra: Record<string, unknown> = {}) {
  containers.push(name);
  const c = await docker.createContainer({ name, Image: image, Labels: optIn, HostConfig: { Init: true }, ...extra });
  await c.start();
  return c;
}

/** The engine event as the host agent queued it. */
async function queuedEvent(name: string, action: string, status?: string): Promise<EngineEvent> {
  return waitFor(
    async () =>
      (await events.all())
        .map((j) => j.data as EngineEvent)
        .find((e) => e.name === name && e.action === action && e.status === status),
    30_000,
    `${action} event of ${name}`,
  );
}

describe('remediation from engine events (real engine, Redis, Temporal)', () => {
  it('restarts a container within seconds of its health_status: unhealthy event', async () => {
    const name = `flaky-${ids.suffix}`;
    const c = await run(name, 'dockhand-fixture-app:flaky');
    await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 30_000, 'healthy');
    const firstStart = (await c.inspect()).State.StartedAt;
    await (await c.exec({ Cmd: ['/bin/busybox', 'rm', '/www/health'] })).start({});

    const unhealthy = await queuedEvent(name, 'health_status', 'unhealthy');
    const restartedAt = await waitFor(
      async () => {
        const s = (await c.inspect()).State;
        return s.StartedAt !== firstStart && s.Running ? Date.parse(s.StartedAt) : undefined;
      },
      30_000,
      'restart',
    );
    const latencyMs = restartedAt - Number(BigInt(unhealthy.timeNano) / 1_000_000n);
    expect(latencyMs).toBeGreaterThan(0);
    expect(latencyMs).toBeLessThan(10_000);
    await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 30_000, 'healthy again');
    const handle = client.workflow.getHandle(remediationId('restart-unhealthy', ids.hostId, name));
    const status = await handle.query(remediationStatusQuery);
    expect(status.restarts).toBe(1);
    expect(notifications.received.filter((n) => n.container === name)).toHaveLength(0);
    // One host round trip from the event to the restart: the agent looks and restarts in one activity.
    const scheduled = ((await handle.fetchHistory()).events ?? []).flatMap(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
    );
    expect(scheduled).toEqual(['restartIfUnhealthy']);
  });

  it('restarts a container that stays unhealthy K times, then quarantines it and notifies once', async () => {
    const name = `broken-${ids.suffix}`;
    const c = await run(name, 'dockhand-fixture-app:broken');
    const handle = client.workflow.getHandle(remediationId('restart-unhealthy', ids.hostId, name));
    const status = await waitFor(
      async () => {
        const s = await handle.query(remediationStatusQuery).catch(() => undefined);
        return s?.phase === 'quarantined' ? s : undefined;
      },
      90_000,
      'quarantine',
    );
    expect(status).toMatchObject({ phase: 'quarantined', restarts: MAX_RESTARTS });
    // Quarantined stays quarantined: no more restarts, no second notification.
    await new Promise((r) => setTimeout(r, 3000));
    expect(notifications.received.filter((n) => n.container === name)).toHaveLength(1);
    const note = notifications.received.find((n) => n.container === name)!;
    expect(note).toMatchObject({ severity: 'critical', host: ids.hostId, workflowId: handle.workflowId });
    expect(String(note.link)).toContain(encodeURIComponent(handle.workflowId));
    expect((await c.inspect()).State.Running).toBe(false);

    // The rule requires signed releases: an unsigned Signal from a listed approver (the UI's path) does
    // not count, and the real CLI prints each refusal and exits 1.
    await clientAs(client, 'oncall')
      .workflow.getHandle(handle.workflowId)
      .signal(releaseSignal, { reason: 'unsigned, from the UI' });
    const release = (...extra: string[]) =>
      runCli(['remediate', name, 'release', '--host', ids.hostId, '--reason', 'looked at it', ...extra], {});
    const unsigned = await release('--by', 'oncall');
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain(
      `refused: the quarantine of ${name} on ${ids.hostId} requires signed answers (sign it: --key <private key file>)`,
    );
    const wrongKey = await release('--by', 'oncall', '--key', key('bob.pem'));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('refused: signature of oncall does not verify');
    const notApprover = await release('--by', 'mallory', '--key', key('bob.pem'));
    expect(notApprover.code).toBe(1);
    expect(notApprover.stderr).toContain('refused: mallory has no key');
    expect((await handle.query(remediationStatusQuery)).phase).toBe('quarantined');
    expect((await c.inspect()).State.Running).toBe(false);

    const signed = await release('--by', 'oncall', '--key', key('ann_ed25519'));
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain('released by oncall');
    expect(await handle.result()).toEqual({
      container: name,
      restarts: MAX_RESTARTS,
      quarantined: 'stop',
      released: { by: 'oncall', reason: 'looked at it' },
    });
  });

  it('health sweep (a Temporal Schedule) publishes what is unhealthy now as events, once per container run', async () => {
    const name = `sweep-${ids.suffix}`;
    containers.push(name);
    // No opt-in label: nothing remediates it, it just stays unhealthy.
    const c = await docker.createContainer({ name, Image: 'dockhand-fixture-app:broken', HostConfig: { Init: true } });
    await c.start();
    await waitFor(async () => (await c.inspect()).State.Health?.Status === 'unhealthy', 30_000, 'unhealthy');
    const scheduleId = await ensureHealthSweepSchedule(
      client,
      config,
      [ids.hostId],
      '1h',
      `health-sweep-${ids.suffix}`,
    );
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      const sweepJobs = async () =>
        (await events.all()).filter(
          (j) => (j.data as EngineEvent).source === 'sweep' && (j.data as EngineEvent).name === name,
        );
      await schedule.trigger();
      const [job] = await waitFor(
        async () => ((await sweepJobs()).length ? sweepJobs() : undefined),
        60_000,
        'sweep event',
      );
      expect(job!.data).toMatchObject({
        action: 'health_status',
        status: 'unhealthy',
        host: ids.hostId,
        type: 'container',
      });
      await schedule.trigger();
      await waitFor(
        async () => ((await schedule.describe()).info.recentActions.length >= 2 ? true : undefined),
        60_000,
        'second sweep',
      );
      await waitFor(
        async () => {
          const runs = (await schedule.describe()).info.recentActions;
          const last = await client.workflow.getHandle(runs[runs.length - 1]!.action.workflow.workflowId).result();
          return last ? true : undefined;
        },
        60_000,
        'second sweep done',
      );
      expect(await sweepJobs()).toHaveLength(1);
    } finally {
      await schedule.delete();
    }
  });
  it('a long-lived restartUnhealthy continues as new, carrying its counters and unread events (M9)', async () => {
    const name = `calm-${ids.suffix}`;
    // No opt-in label and no health check: only this test's signals reach the workflow, and the real
    // state (running, no health) never calls for a restart.
    containers.push(name);
    const c = await docker.createContainer({
      name,
      Image: 'dockhand-fixture-app:v1',
      Labels: { 'dockhand.test': ids.suffix },
      Healthcheck: { Test: ['NONE'] },
      HostConfig: { Init: true },
    });
    await c.start();
    const workflowId = remediationId('restart-unhealthy', ids.hostId, name);
    const first = await client.workflow.start('restartUnhealthy', {
      workflowId,
      taskQueue: ids.orchestratorQueue,
      args: [{ host: ids.hostId, container: name, policy: { eventsPerRun: 2, idleMs: '1m' } }],
    });
    const event = { action: 'health_status', status: 'unhealthy', timeNano: '1', source: 'test' };
    await waitFor(async () => (await first.query(remediationStatusQuery).catch(() => undefined))?.phase, 30_000);
    for (let i = 0; i < 5; i++) {
      await client.workflow.getHandle(workflowId).signal(remediationEventSignal, event);
      await new Promise((r) => setTimeout(r, 300));
    }
    const handle = client.workflow.getHandle(workflowId);
    // The container is healthy, so no restart: each event is looked at and let go. Five events at two
    // per run: the chain continued as new at least twice and still counts all five.
    const status = await waitFor(
      async () => {
        const s = await handle.query(remediationStatusQuery).catch(() => undefined);
        return s && s.events === 5 && s.phase === 'watching' ? s : undefined;
      },
      30_000,
      'five events counted',
    ).catch(async (e) =>
      Promise.reject(new Error(`${e.message}: ${JSON.stringify(await handle.query(remediationStatusQuery))}`)),
    );
    expect(status.restarts).toBe(0);
    const firstRun = client.workflow.getHandle(workflowId, first.firstExecutionRunId);
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    expect((await handle.describe()).runId).not.toBe(first.firstExecutionRunId);
  });

  it('a quarantine with an expiry ends by itself, saying so', async () => {
    const name = `expiry-${ids.suffix}`;
    await run(name, 'dockhand-fixture-app:v1');
    const handle = await client.workflow.start('restartUnhealthy', {
      workflowId: remediationId('restart-unhealthy', ids.hostId, name),
      taskQueue: ids.orchestratorQueue,
      args: [
        {
          host: ids.hostId,
          container: name,
          manual: true,
          policy: { maxRestarts: 0, quarantine: 'none', quarantineExpiryMs: '2s' },
        },
      ],
    });
    expect(await handle.result()).toEqual({ container: name, restarts: 0, quarantined: 'none', expired: true });
  });
});
