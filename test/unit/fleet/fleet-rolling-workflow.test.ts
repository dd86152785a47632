import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorType, failure } from '../../../common/errors';
import {
  fleetRollingStatusQuery,
  hostRolloutId,
  type FleetRollingRequest,
  type FleetRollingResult,
  type FleetRollingStatus,
} from '../../../common/fleet-rolling';
import { rejectUpdate } from '../../../common/signals';
import { hostTaskQueue } from '../../../common/task-queues';
import { fleetRepairId } from '../../../common/workflow-ids';
import { FakeReplicaEngine } from '../../support/fake-replica-engine';
import { waitFor } from '../../support/wait';
import { createWorkflowTestEnv, orchestratorTestActivities, type WorkflowTestEnv } from '../../support/workflow-env';

// The fleet rolling update's decisions against three in-memory hosts (test/support/fake-replica-engine.ts),
// each served by its own worker on its own host queue, the per-host rollingUpdate children on the
// orchestrator's queue, on a private Temporal dev server. Real engines, edges and the registry:
// test/integration/fleet-rolling-update.test.ts.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

let n = 0;
const V1 = { 'web-1': 'app:v1 healthy', 'web-2': 'app:v1 healthy' };
const V2 = { 'web-1': 'app:v2 healthy', 'web-2': 'app:v2 healthy' };

/** Three hosts with replicas web-1, web-2 on app:v1 behind their edge; every host call in one timeline. */
function fleet() {
  const id = `${process.pid}-${++n}`;
  const service = 'web';
  const timeline: string[] = [];
  const hosts = [1, 2, 3].map((i) => {
    const engine = new FakeReplicaEngine(service);
    engine.add('web-1', 'app:v1');
    engine.add('web-2', 'app:v1');
    engine.edgeConfigs.push(['web-1', 'web-2']);
    return { host: `rh${i}-${id}`, engine };
  });
  const agents = hosts.map((h) => new Agent(h.host, h.engine, timeline));
  return { service, hosts, ids: hosts.map((h) => h.host), timeline, id, agents, taskQueue: `fleet-roll-${id}` };
}

/** One host's agent: a worker on the host's queue that can be stopped (the agent dies) and started again. */
class Agent {
  private worker?: Worker;
  private running?: Promise<void>;
  constructor(
    private readonly host: string,
    private readonly engine: FakeReplicaEngine,
    private readonly timeline: string[],
  ) {}
  async start(): Promise<void> {
    const activities = Object.fromEntries(
      Object.entries(this.engine.activities()).map(([name, fn]) => [
        name,
        (input: unknown) => (this.timeline.push(`${this.host}:${name}`), fn(input)),
      ]),
    );
    this.worker = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue: hostTaskQueue(this.host),
      activities,
    });
    this.running = this.worker.run();
  }
  async stop(): Promise<void> {
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
  }
}

/** Runs fleetRollingUpdate of app:v2 with `extra`, answering with `during`. */
async function roll(
  f: ReturnType<typeof fleet>,
  extra: Partial<FleetRollingRequest> = {},
  during?: (workflowId: string) => Promise<void>,
): Promise<{ result?: FleetRollingResult; error?: ApplicationFailure; status?: FleetRollingStatus; runId: string }> {
  const orchestrator = await Worker.create({
    connection: t.env.nativeConnection,
    taskQueue: f.taskQueue,
    workflowBundle: t.bundle,
    activities: orchestratorTestActivities(t.env.client),
  });
  await Promise.all(f.agents.map((a) => a.start()));
  // The service's lock id, unique per test (tests share one server).
  const workflowId = `deploy/${f.service}-${f.id}`;
  try {
    return await orchestrator.runUntil(async () => {
      const handle = await t.env.client.workflow.start('fleetRollingUpdate', {
        taskQueue: f.taskQueue,
        workflowId,
        args: [
          {
            service: f.service,
            hosts: f.ids,
            spec: { image: 'app:v2', network: 'web-net' },
            replicas: 2,
            monitor: 1,
            hostLoss: { timeout: 5000 },
            ...extra,
          } satisfies FleetRollingRequest,
        ],
      });
      const runId = handle.firstExecutionRunId;
      await during?.(workflowId);
      // The status is read while the workers still run (a query needs one); a run refused at its
      // input never registered one.
      const status = () => handle.query(fleetRollingStatusQuery).catch(() => undefined);
      try {
        const result = (await handle.result()) as FleetRollingResult;
        return { result, status: await status(), runId };
      } catch (e) {
        if (!(e instanceof WorkflowFailedError)) throw e;
        return { error: e.cause as ApplicationFailure, status: await status(), runId };
      }
    });
  } finally {
    f.hosts.forEach((h) => h.engine.release());
    await Promise.all(f.agents.map((a) => a.stop()));
  }
}

/** Host 3's agent dies in the middle of its first replica's launch (the replica did start): every
 * later call on host 3 waits for an agent that is not coming. */
function killAgentMidLaunch(f: ReturnType<typeof fleet>): void {
  const { engine } = f.hosts[2]!;
  engine.fault('launchReplica', (input: Parameters<FakeReplicaEngine['launch']>[0]) => {
    engine.launch(input);
    void f.agents[2]!.stop();
    throw ApplicationFailure.retryable('agent killed', 'TestFlake');
  });
}

/** Policy `continue`: hosts 1–2 rolled to v2 and committed, host 3 (not answering) left behind as lost. */
function expectHost3LeftBehind(f: ReturnType<typeof fleet>, r: { result?: FleetRollingResult; error?: unknown }): void {
  const [h1, h2, h3] = f.ids;
  expect(r.error).toBeUndefined();
  expect(r.result!.hosts.map((h) => [h.host, h.result.outcome])).toEqual([
    [h1, 'updated'],
    [h2, 'updated'],
  ]);
  expect(r.result!.lost).toEqual([{ host: h3, cause: 'activity ScheduleToStart timeout', lost: true }]);
  for (const { engine } of f.hosts.slice(0, 2)) expect(engine.state()).toEqual(V2);
}

/** A host's agent (host 3's unless `i` says) back: the repair the fleet left (on the orchestrator's
 * queue) runs to its end. */
async function agentBack(f: ReturnType<typeof fleet>, runId: string, i = 2): Promise<unknown> {
  const repairId = fleetRepairId(f.service, f.ids[i]!, runId);
  const orchestrator = await Worker.create({
    connection: t.env.nativeConnection,
    taskQueue: f.taskQueue,
    workflowBundle: t.bundle,
  });
  const agent = new Agent(f.ids[i]!, f.hosts[i]!.engine, f.timeline);
  await agent.start();
  try {
    return await orchestrator.runUntil(t.env.client.workflow.getHandle(repairId).result());
  } finally {
    await agent.stop();
  }
}

const first = (timeline: string[], entry: string) => timeline.indexOf(entry);
const last = (timeline: string[], entry: string) => timeline.lastIndexOf(entry);

describe('fleetRollingUpdate', () => {
  it('v1 → v2 on three hosts, one host at a time; no host drops its old replicas before every host rolled', async () => {
    const f = fleet();
    const { result, error, status } = await roll(f);
    expect(error).toBeUndefined();
    expect(result!.hosts.map((h) => [h.host, h.workflowId, h.result.outcome])).toEqual(
      f.ids.map((h) => [h, hostRolloutId(f.service, h), 'updated']),
    );
    for (const { engine } of f.hosts) {
      expect(engine.state()).toEqual(V2);
      expect(engine.edge).toEqual(['web-1', 'web-2']);
      expect(engine.violations).toEqual([]);
    }
    const [h1, h2, h3] = f.ids;
    // maxHostsAtOnce 1: a host starts once the one before holds.
    expect(first(f.timeline, `${h2}:launchReplica`)).toBeGreaterThan(last(f.timeline, `${h1}:watchHealthy`));
    expect(first(f.timeline, `${h3}:launchReplica`)).toBeGreaterThan(last(f.timeline, `${h2}:watchHealthy`));
    // All or none: the replaced replicas are removed only after the last host rolled.
    const removals = f.ids.map((h) => first(f.timeline, `${h}:removeReplica`));
    expect(Math.min(...removals)).toBeGreaterThan(last(f.timeline, `${h3}:watchHealthy`));
    expect(status!.phase).toBe('done');
    expect(status!.hosts.map((h) => h.step)).toEqual(['committed', 'committed', 'committed']);
  });

  it("host 3's new replica never gets healthy after hosts 1–2 rolled: every host back on v1", async () => {
    const f = fleet();
    const [h1, h2, h3] = f.ids;
    f.hosts[2]!.engine.fault('launchReplica', (input: { name: string }) => {
      throw failure(ErrorType.Unhealthy, `${input.name}: Docker marked it unhealthy`);
    });
    const { error, status } = await roll(f);
    expect(error?.type).toBe('DockhandFleetHostFailed');
    expect(error?.message).toContain(`host ${h3}: `);
    expect(error?.message).toContain('Docker marked it unhealthy');
    for (const { engine } of f.hosts) {
      expect(engine.state()).toEqual(V1);
      expect(engine.edge).toEqual(['web-1', 'web-2']);
      expect(engine.violations).toEqual([]);
    }
    // Hosts 1 and 2 had rolled (and held) before host 3 failed.
    expect(first(f.timeline, `${h3}:launchReplica`)).toBeGreaterThan(last(f.timeline, `${h2}:watchHealthy`));
    expect(f.timeline).toContain(`${h1}:restoreReplica`);
    expect(status!.phase).toBe('failed');
    expect(status!.hosts.map((h) => h.step)).toEqual(['rolled back', 'rolled back', 'rolled back']);
  });

  it('asks ONE approval after the first wave; a rejection puts every host back', async () => {
    const f = fleet();
    const { error } = await roll(
      f,
      { maxHostsAtOnce: 2, approval: { required: true, timeoutMs: 60_000 } },
      async (workflowId) => {
        const handle = t.env.client.workflow.getHandle(workflowId);
        await waitFor(
          async () => (await handle.query(fleetRollingStatusQuery)).phase === 'awaiting-approval',
          20_000,
          'the approval',
        );
        const status = await handle.query(fleetRollingStatusQuery);
        expect(status.details).toContain(`Rolled and holding (replaced replicas kept): ${f.ids[0]}, ${f.ids[1]}.`);
        expect(status.details).toContain(`Still to roll: ${f.ids[2]}.`);
        expect(status!.hosts.map((h) => h.step)).toEqual(['held', 'held', 'pulled']);
        await t
          .clientAs('approver')
          .workflow.getHandle(workflowId)
          .executeUpdate(rejectUpdate, {
            args: [{ comment: 'not today' }],
          });
      },
    );
    expect(error?.type).toBe('DockhandRejected');
    for (const { engine } of f.hosts) expect(engine.state()).toEqual(V1);
    expect(f.timeline.filter((e) => e.startsWith(`${f.ids[2]}:launchReplica`))).toEqual([]);
  });

  it("host 3's agent dies mid-rollout after hosts 1–2 rolled: every host that answers back on v1 within the host-loss timeout; the agent back finds host 3 repaired", async () => {
    const f = fleet();
    const [, , h3] = f.ids;
    const original = f.hosts[2]!.engine.byName('web-1')!.id;
    killAgentMidLaunch(f);
    const t0 = Date.now();
    const { error, status, runId } = await roll(f);
    expect(Date.now() - t0).toBeLessThan(60_000); // bounded by the host-loss timeout (5 s), not hung
    expect(error?.type).toBe('DockhandFleetHostFailed');
    expect(error?.message).toContain(`host ${h3} stopped answering`);
    expect(error?.message).toContain('(host-loss policy: rollback)');
    for (const { engine } of f.hosts.slice(0, 2)) {
      expect(engine.state()).toEqual(V1);
      expect(engine.edge).toEqual(['web-1', 'web-2']);
    }
    // Host 3 as its agent left it: nothing undone there (each undo would only have timed out too).
    const h3engine = f.hosts[2]!.engine;
    expect(h3engine.state()).toEqual({
      'web-1': 'app:v2 healthy',
      'web-1-prev': 'app:v1 stopped',
      'web-2': 'app:v1 healthy',
    });
    expect(status!.hosts.map((h) => h.step)).toEqual(['rolled back', 'rolled back', 'lost']);
    expect(status!.hosts[2]!.details).toContain(fleetRepairId(f.service, h3!, runId));
    expect(status!.details).toContain(`Every host that answers (${h3}: repaired when its agent returns) is as before`);
    const repaired = await agentBack(f, runId);
    expect(repaired).toEqual({ host: h3, service: f.service, serving: 'web-1, web-2' });
    expect(h3engine.state()).toEqual(V1);
    expect(h3engine.byName('web-1')!.id).toBe(original); // the replica it had, by id, not a new one
    expect(h3engine.edge).toEqual(['web-1', 'web-2']);
    expect(h3engine.violations).toEqual([]);
  });

  it('policy continue with minHosts 2: host 3 lost is left behind (repaired later), hosts 1–2 commit v2', async () => {
    const f = fleet();
    const h3 = f.ids[2]!;
    killAgentMidLaunch(f);
    const { result, error, status, runId } = await roll(f, {
      hostLoss: { timeout: 5000, policy: 'continue', minHosts: 2 },
    });
    expectHost3LeftBehind(f, { result, error });
    expect(status!.hosts.map((h) => h.step)).toEqual(['committed', 'committed', 'lost']);
    expect(status!.details).toContain(`left behind (not answering, each with a repair): ${h3}`);
    await agentBack(f, runId);
    expect(f.hosts[2]!.engine.state()).toEqual(V1);
    expect(f.hosts[2]!.engine.edge).toEqual(['web-1', 'web-2']);
  });

  it("host 1's agent dies while the fleet rolls back for host 3's failure: host 1 is left to a repair, not reported NOT as before", async () => {
    const f = fleet();
    const [h1, h2, h3] = f.ids;
    const original = f.hosts[0]!.engine.byName('web-1')!.id;
    // Hosts 1–2 rolled and hold; host 3's replica never gets healthy, and host 1's agent is gone by
    // the time its rollout is cancelled and starts putting its replicas back.
    f.hosts[2]!.engine.fault('launchReplica', (input: { name: string }) => {
      void f.agents[0]!.stop();
      throw failure(ErrorType.Unhealthy, `${input.name}: Docker marked it unhealthy`);
    });
    const t0 = Date.now();
    const { error, status, runId } = await roll(f);
    expect(Date.now() - t0).toBeLessThan(60_000); // one host-loss timeout (5 s), not one per undo
    expect(error?.type).toBe('DockhandFleetHostFailed');
    expect(error?.message).toContain(`host ${h3}: `);
    expect(error?.message).not.toContain('NOT as before');
    for (const { engine } of f.hosts.slice(1)) expect(engine.state()).toEqual(V1);
    expect(status!.hosts.map((h) => h.step)).toEqual(['lost', 'rolled back', 'rolled back']);
    expect(status!.hosts[0]!.details).toContain(fleetRepairId(f.service, h1!, runId));
    expect(status!.details).toContain(`Every host that answers (${h1}: repaired when its agent returns) is as before`);
    expect(f.timeline.filter((e) => e.startsWith(`${h2}:restoreReplica`))).not.toEqual([]);
    const repaired = await agentBack(f, runId, 0);
    expect(repaired).toEqual({ host: h1, service: f.service, serving: 'web-1, web-2' });
    const h1engine = f.hosts[0]!.engine;
    expect(h1engine.state()).toEqual(V1);
    expect(h1engine.byName('web-1')!.id).toBe(original);
    expect(h1engine.edge).toEqual(['web-1', 'web-2']);
    // Every replica of host 1 was replaced: the repair restores them a batch at a time, never removing
    // one the edge still routes to, never leaving the edge empty.
    expect(h1engine.violations).toEqual([]);
    expect(h1engine.edgeConfigs.every((members) => members.length > 0)).toBe(true);
  });

  it("policy continue: host 3's agent dies while the image is pulled — hosts 1–2 roll and commit v2, host 3 untouched", async () => {
    const f = fleet();
    const h3 = f.ids[2]!;
    f.hosts[2]!.engine.fault('ensureImage', () => {
      void f.agents[2]!.stop();
      throw ApplicationFailure.retryable('agent killed', 'TestFlake');
    });
    const { result, error, status } = await roll(f, {
      hostLoss: { timeout: 5000, policy: 'continue', minHosts: 2 },
    });
    expectHost3LeftBehind(f, { result, error });
    expect(f.hosts[2]!.engine.state()).toEqual(V1);
    expect(f.timeline.filter((e) => e.startsWith(`${h3}:`))).toEqual([`${h3}:ensureImage`]);
    expect(status!.hosts.map((h) => h.step)).toEqual(['committed', 'committed', 'lost']);
    expect(status!.hosts[2]!.details).toContain('nothing of this rollout on it');
  });

  it("host 1's agent dies while it holds and host 2 still rolls: the fleet rolls back at once, not at the commit; the agent back finds host 1 repaired", async () => {
    const f = fleet();
    const [h1] = f.ids;
    const releaseHost2 = f.hosts[1]!.engine.hold('launchReplica');
    let shown = '';
    const { error, status, runId } = await roll(f, {}, async (workflowId) => {
      const handle = t.env.client.workflow.getHandle(workflowId);
      await f.hosts[1]!.engine.reachedCall('launchReplica');
      expect((await handle.query(fleetRollingStatusQuery)).hosts[0]!.step).toBe('held');
      await f.agents[0]!.stop();
      // Host 2's launch never ends by itself: only the held host's own probes can notice host 1.
      shown = await waitFor(
        async () => {
          const s = await handle.query(fleetRollingStatusQuery);
          return s.phase === 'rolling-back' ? s.details : undefined;
        },
        60_000,
        'the fleet rolling back while host 2 still rolls',
      );
      releaseHost2();
    });
    expect(shown).toContain(`host ${h1} stopped answering: agent not answering since`);
    expect(error?.type).toBe('DockhandFleetHostFailed');
    expect(error?.message).toContain(`host ${h1} stopped answering: agent not answering since`);
    expect(error?.message).toContain('(host-loss policy: rollback)');
    for (const { engine } of f.hosts.slice(1)) expect(engine.state()).toEqual(V1);
    expect(f.timeline.filter((e) => e.startsWith(`${f.ids[2]}:launchReplica`))).toEqual([]);
    expect(status!.hosts[0]!.step).toBe('lost');
    expect(status!.hosts[0]!.details).toContain(fleetRepairId(f.service, h1!, runId));
    await agentBack(f, runId, 0);
    expect(f.hosts[0]!.engine.state()).toEqual(V1);
    expect(f.hosts[0]!.engine.violations).toEqual([]);
  });

  it('policy continue with minHosts 2: host 1 lost while it holds is left behind at once; hosts 2–3 roll and commit v2', async () => {
    const f = fleet();
    const [h1, h2, h3] = f.ids;
    const releaseHost2 = f.hosts[1]!.engine.hold('launchReplica');
    const { result, error, status } = await roll(
      f,
      { hostLoss: { timeout: 5000, policy: 'continue', minHosts: 2 } },
      async (workflowId) => {
        const handle = t.env.client.workflow.getHandle(workflowId);
        await f.hosts[1]!.engine.reachedCall('launchReplica');
        await f.agents[0]!.stop();
        await waitFor(
          async () => (await handle.query(fleetRollingStatusQuery)).hosts[0]!.step === 'lost',
          60_000,
          'host 1 left behind while host 2 still rolls',
        );
        releaseHost2();
      },
    );
    expect(error).toBeUndefined();
    expect(result!.hosts.map((h) => [h.host, h.result.outcome])).toEqual([
      [h2, 'updated'],
      [h3, 'updated'],
    ]);
    expect(result!.lost).toEqual([
      { host: h1, cause: expect.stringMatching(/^agent not answering since /), lost: true },
    ]);
    for (const { engine } of f.hosts.slice(1)) expect(engine.state()).toEqual(V2);
    expect(status!.hosts.map((h) => h.step)).toEqual(['lost', 'committed', 'committed']);
  });

  it('bad input is refused before any host changes, naming the field', async () => {
    const f = fleet();
    const { error } = await roll(f, {
      spec: { image: 'app:v2', network: 'web-net', ports: [{ container: 8080, host: 22999 }] },
    });
    expect(error?.message).toContain('spec.ports');
    expect(f.timeline).toEqual([]);
  });
});
