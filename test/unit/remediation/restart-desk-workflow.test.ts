import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockhandConfig } from '../../../common/config';
import { Rule } from '../../../common/events/rules';
import {
  deskEventsSignal,
  restartDeskId,
  restartDeskStatusQuery,
  type DeskBatch,
  type RestartDeskRequest,
} from '../../../common/remediation/restart-desk';
import { releaseSignal, remediationStatusQuery } from '../../../common/remediation/signals';
import { remediationId } from '../../../common/workflow-ids';
import { createJobProcessor } from '../../../workers/lib/trigger-processor';
import { autohealRule, unhealthyJob } from '../../support/autoheal-events';
import { waitFor } from '../../support/wait';
import { deskHistory, deskSignalEvents } from '../../../bench/lib/desk-history';
import { createWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-env';

// The host's restart desk (workflows/remediate-restart-desk.ts) on a private Temporal dev server with the
// real workflow code; the host agent's activities are in-memory doubles that record what they were asked.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

const event = (n: number) => ({ action: 'health_status', status: 'unhealthy', timeNano: `${n}`, source: 'test' });
const unhealthy = { running: true, health: 'unhealthy', startedAtMs: 0, startPeriodMs: 0 };

/** Starts (or signals) the desk of `hostId` with one batch. */
function send(taskQueue: string, hostId: string, batch: DeskBatch, request: Partial<RestartDeskRequest> = {}) {
  return t.env.client.workflow.signalWithStart('restartDesk', {
    taskQueue,
    workflowId: restartDeskId(hostId),
    args: [{ host: hostId, ...request }],
    signal: deskEventsSignal,
    signalArgs: [batch],
  });
}

describe('restart desk', () => {
  it("restarts containers side by side: one container's restart never waits for another's", async () => {
    const started: string[] = [];
    let releaseAll!: () => void;
    const allStarted = new Promise<void>((r) => (releaseAll = r));
    const activities = {
      // Each restart holds until both containers' restarts are running: a desk that restarted one
      // container after the other would never finish.
      restartIfUnhealthy: async ({ name }: { name: string }) => {
        started.push(name);
        if (started.length === 2) releaseAll();
        await allStarted;
        return { restarted: true };
      },
    };
    await t.run(activities, async ({ taskQueue, hostId }) => {
      const policy = { idleMs: '1s' };
      const desk = await send(taskQueue, hostId, { policy, events: [{ container: 'a', event: event(1) }] });
      await send(taskQueue, hostId, {
        policy,
        events: [
          { container: 'b', event: event(2) },
          { container: 'a', event: event(3) }, // a's restart is still running: counted once
        ],
      });
      expect(await desk.result()).toEqual({ events: 3, restarts: 2, deduplicated: 1, failed: 0 });
    });
    expect(started.sort()).toEqual(['a', 'b']);
  });

  it('a spent budget hands the container to its own restartUnhealthy, which quarantines it until released', async () => {
    const calls: string[] = [];
    const activities = {
      restartIfUnhealthy: async ({ name }: { name: string }) => (calls.push(`restart ${name}`), { restarted: true }),
      containerCondition: async ({ name }: { name: string }) => (calls.push(`look ${name}`), unhealthy),
      stopContainer: async ({ name }: { name: string }) => void calls.push(`stop ${name}`),
    };
    await t.run(activities, async ({ taskQueue, hostId }) => {
      const policy = { maxRestarts: 1, idleMs: '2s', quarantine: 'stop' };
      const desk = await send(taskQueue, hostId, { policy, events: [{ container: 'web', event: event(1) }] });
      await waitFor(async () => (await desk.query(restartDeskStatusQuery)).restarts === 1, 20_000, 'first restart');
      await send(taskQueue, hostId, { policy, events: [{ container: 'web', event: event(2) }] });
      const own = t.env.client.workflow.getHandle(remediationId('restart-unhealthy', hostId, 'web'));
      await waitFor(
        async () => (await own.query(remediationStatusQuery).catch(() => undefined))?.phase === 'quarantined',
        20_000,
        'web quarantined by its own restartUnhealthy',
      );
      expect((await desk.query(restartDeskStatusQuery)).handedOff).toEqual(['web']);
      // Events while quarantined go to the quarantine, not to a restart.
      await send(taskQueue, hostId, { policy, events: [{ container: 'web', event: event(3) }] });
      await waitFor(async () => (await own.query(remediationStatusQuery)).events >= 2, 20_000, 'event forwarded');
      await own.signal(releaseSignal, { reason: 'fixed' });
      expect(await own.result()).toMatchObject({ container: 'web', restarts: 1, quarantined: 'stop' });
      expect(await desk.result()).toMatchObject({ events: 3, restarts: 1, failed: 0 });
    });
    expect(calls).toEqual(['restart web', 'look web', 'look web', 'stop web']);
  });

  it('continues as new after eventsPerRun events, carrying the budget and the events that waited', async () => {
    const restarts: string[] = [];
    const activities = {
      restartIfUnhealthy: async ({ name }: { name: string }) => (restarts.push(name), { restarted: true }),
      containerCondition: async () => unhealthy,
      stopContainer: async ({ name }: { name: string }) => void restarts.push(`stop ${name}`),
    };
    await t.run(activities, async ({ taskQueue, hostId }) => {
      const policy = { maxRestarts: 2, backoffMs: 0, idleMs: '1s', quarantine: 'none' };
      const batch = (n: number) => ({ policy, events: [{ container: 'x', event: event(n) }] });
      const desk = await send(taskQueue, hostId, batch(1), { eventsPerRun: 1 });
      const firstRun = (await desk.describe()).runId;
      await waitFor(async () => (await desk.describe()).runId !== firstRun, 20_000, 'continued as new');
      await send(taskQueue, hostId, batch(2));
      await waitFor(async () => restarts.length === 2, 20_000, 'second restart in the next run');
      await send(taskQueue, hostId, batch(3)); // the carried budget (2 restarts) is spent: quarantine
      const own = t.env.client.workflow.getHandle(remediationId('restart-unhealthy', hostId, 'x'));
      await waitFor(
        async () => (await own.query(remediationStatusQuery).catch(() => undefined))?.phase === 'quarantined',
        20_000,
        'x quarantined with the carried budget',
      );
      await own.signal(releaseSignal, { reason: 'ok' });
      await own.result();
      expect(await desk.result()).toMatchObject({ events: 3, restarts: 2 });
    });
    expect(restarts).toEqual(['x', 'x']);
  });

  it('the trigger batches a host\'s events for a "batch": "host" rule; each job ends once its signal is in', async () => {
    const restarted: string[] = [];
    const activities = {
      restartIfUnhealthy: async ({ name }: { name: string }) => (restarted.push(name), { restarted: true }),
    };
    await t.run(activities, async ({ taskQueue, hostId }) => {
      const rule = autohealRule({ batch: 'host', args: { idleMs: '1s' } });
      const processJob = createJobProcessor(t.env.client, { orchestratorTaskQueue: taskQueue } as DockhandConfig, [
        rule,
      ]);
      const done = await Promise.all(Array.from({ length: 20 }, (_, i) => processJob(unhealthyJob(hostId, i))));
      for (const d of done)
        expect(d).toEqual({
          workflows: [{ workflowId: restartDeskId(hostId), workflowType: 'restartDesk', outcome: 'signalled' }],
        });
      const desk = t.env.client.workflow.getHandle(restartDeskId(hostId));
      expect(await desk.result()).toMatchObject({ events: 20, restarts: 20 });
      // Read once the desk has ended: a signal that arrives while a workflow task runs is written to the
      // history only when that task completes, so an earlier read can miss an accepted signal.
      const history = await deskHistory(t.env.client, hostId);
      const carried = history.map((e) => deskSignalEvents(e).length).filter((n) => n > 0);
      // The first event went out at once, alone; the 19 that came while its signal was in flight went
      // together, in the next one. Every event in exactly one signal.
      expect(carried).toEqual([1, 19]);
    });
    expect(restarted.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `c-${i}`).sort());
  });

  it('refuses a batch rule for another workflow, naming the field', () => {
    const r = Rule.safeParse({
      name: 'mem',
      match: { action: 'oom', labels: { 'dockhand.autoheal': 'true' } },
      workflow: 'memoryPressure',
      batch: 'host',
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['batch'] });
    expect(r.error?.issues[0]?.message).toMatch(/only restartUnhealthy rules can be batched/);
  });
});
