import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fleetStatusQuery,
  type FleetBlueGreenRequest,
  type FleetBlueGreenResult,
} from '../../../common/fleet-blue-green';
import { approveUpdate, rollbackUpdate } from '../../../common/signals';
import { hostTaskQueue } from '../../../common/task-queues';
import { fleetRepairId } from '../../../common/workflow-ids';
import { pendingRepairs } from '../../../client/pending-repairs';
import type { DockhandConfig } from '../../../common/config';
import type { DeployGuardResult } from '../../../common/deploy-guard';
import type { EngineEvent } from '../../../common/events/engine-event';
import { Rule } from '../../../common/events/rules';
import { Labels } from '../../../common/labels';
import { guardDeploy } from '../../../workers/lib/deploy-guard';
import { FakeFleetHost, retryable } from '../../support/fake-fleet-host';
import { queryMetadata } from '../../support/ui-metadata';
import { waitFor } from '../../support/wait';
import { createWorkflowTestEnv, orchestratorTestActivities, type WorkflowTestEnv } from '../../support/workflow-env';

// The fleet blue-green deploy's decisions against in-memory hosts (test/support/fake-fleet-host.ts),
// each served by its own worker on its own host queue, on a private Temporal dev server. The real
// engines, edges and registry are test/integration/fleet-blue-green.test.ts.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

let n = 0;

/** A fleet of fake hosts `h1..h<count>` (unique per test) serving v1 as blue. */
function fleet(count = 3) {
  const id = `${process.pid}-${++n}`;
  const service = `fleet${n}`;
  const hosts = Array.from({ length: count }, (_, i) => FakeFleetHost.serving(`fh${i + 1}-${id}`, service, 'app:v1'));
  return { service, hosts, ids: hosts.map((h) => h.host) };
}

/** A host worker that can be stopped (its agent dies) and started again. */
class Agent {
  private worker?: Worker;
  private running?: Promise<void>;
  constructor(private readonly host: FakeFleetHost) {}
  async start(): Promise<void> {
    this.worker = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue: hostTaskQueue(this.host.host),
      activities: this.host.activities(),
    });
    this.running = this.worker.run();
  }
  async stop(): Promise<void> {
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
  }
}

/** Runs a fleet deploy of app:v2 over `hosts` with `extra`, answering with `during`. */
async function deploy(
  f: ReturnType<typeof fleet>,
  extra: Partial<FleetBlueGreenRequest> = {},
  during?: (h: { workflowId: string; runId: string }, agents: Agent[]) => Promise<void>,
): Promise<{ result?: FleetBlueGreenResult; error?: ApplicationFailure; agents: Agent[]; runId: string }> {
  const taskQueue = `fleet-wf-${process.pid}-${n}`;
  const orchestrator = await Worker.create({
    connection: t.env.nativeConnection,
    taskQueue,
    workflowBundle: t.bundle,
    activities: orchestratorTestActivities(t.env.client),
  });
  const agents = f.hosts.map((h) => new Agent(h));
  await Promise.all(agents.map((a) => a.start()));
  try {
    return await orchestrator.runUntil(async () => {
      const handle = await t.env.client.workflow.start('fleetBlueGreenDeploy', {
        taskQueue,
        workflowId: `deploy/${f.service}-${Date.now()}`,
        args: [
          {
            service: f.service,
            hosts: f.ids,
            spec: { image: 'app:v2', network: `${f.service}-net` },
            approval: { required: false },
            bakeMs: 0,
            // Long enough that a busy machine's healthy agents pick their work up in time; short enough
            // that the lost host costs seconds.
            hostLoss: { timeout: 5000 },
            ...extra,
          } satisfies FleetBlueGreenRequest,
        ],
      });
      const runId = handle.firstExecutionRunId;
      await during?.({ workflowId: handle.workflowId, runId }, agents);
      try {
        return { result: (await handle.result()) as FleetBlueGreenResult, agents, runId };
      } catch (e) {
        if (!(e instanceof WorkflowFailedError)) throw e;
        return { error: e.cause as ApplicationFailure, agents, runId };
      }
    });
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
}

const onV1 = (service: string) => ({ serving: `${service}-blue (app:v1)`, containers: [`${service}-blue app:v1`] });
const onV2 = (service: string) => ({ serving: `${service}-green (app:v2)`, containers: [`${service}-green app:v2`] });

describe('fleetBlueGreenDeploy', () => {
  it('v1 → v2 on three hosts: every host serves v2, every old color removed, one digest', async () => {
    const f = fleet();
    const { result, error } = await deploy(f);
    expect(error).toBeUndefined();
    for (const h of f.hosts) expect(h.state()).toEqual(onV2(f.service));
    expect(result!.hosts.map((h) => [h.host, h.liveContainer, h.previousImage])).toEqual(
      f.ids.map((id) => [id, `${f.service}-green`, 'app:v1']),
    );
    expect(result!.digest).toBe('sha256:digest-of-app:v2');
    expect(result!.lost).toEqual([]);
  });

  it('boot limit 1: one host brings its new color up at a time', async () => {
    const f = fleet();
    const order: string[] = [];
    for (const h of f.hosts)
      h.fault('waitHealthy', async ({ name }) => {
        order.push(`${h.host} ${name as string}`);
        await new Promise((r) => setTimeout(r, 50));
        return { health: 'healthy' };
      });
    const { error } = await deploy(f, { bootLimit: 1 });
    expect(error).toBeUndefined();
    expect(order).toEqual(f.ids.map((id) => `${id} ${f.service}-green`));
  });

  it('ONE approval for the fleet: the details list every host and what changes on it', async () => {
    const f = fleet();
    let details = '';
    const { error } = await deploy(f, { approval: { required: true, timeoutMs: 60_000 } }, async ({ workflowId }) => {
      const handle = t.env.client.workflow.getHandle(workflowId);
      for (;;) {
        const s = await handle.query(fleetStatusQuery);
        if (s.phase === 'awaiting-approval') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      details = (await handle.query(fleetStatusQuery)).details;
      expect(f.hosts.map((h) => h.state().serving)).toEqual(f.hosts.map(() => `${f.service}-blue (app:v1)`));
      await t
        .clientAs('approver')
        .workflow.getHandle(workflowId)
        .executeUpdate(approveUpdate, { args: [{ comment: 'ok' }] });
    });
    expect(error).toBeUndefined();
    for (const id of f.ids)
      expect(details).toContain(`\`${id}\`: ${f.service}-blue (app:v1) → ${f.service}-green (app:v2)`);
    for (const h of f.hosts) expect(h.state()).toEqual(onV2(f.service));
  });

  it('host 3 fails its check after the switch: every host switched back, every new color removed', async () => {
    const f = fleet();
    const h3 = f.hosts[2]!;
    h3.fault('probeEdge', async () => ({ ok: false, status: '502 from the broken green', body: '' }));
    const { error } = await deploy(f);
    expect(error?.type).toBe('DockhandFleetHostFailed');
    expect(error?.message).toContain(`host ${h3.host}: after the switch`);
    for (const h of f.hosts) expect(h.state()).toEqual(onV1(f.service));
    // Hosts 1 and 2 had switched: each was switched back.
    for (const h of f.hosts.slice(0, 2)) expect(h.calls.filter((c) => c === 'switchEdgeColor')).toHaveLength(2);
  });

  it('an image the registry does not have on host 2 fails before any host changes', async () => {
    const f = fleet();
    f.hosts[1]!.missingImages.add('app:v2');
    const { error } = await deploy(f);
    expect(error?.type).toBe('DockhandFleetHostFailed');
    expect(error?.message).toContain('manifest unknown');
    for (const h of f.hosts) {
      expect(h.state()).toEqual(onV1(f.service));
      // The pull and the plan's reads only (they run side by side): nothing that changes a host.
      expect(h.calls.filter((c) => !['ensureImage', 'listServiceContainers', 'readEdge'].includes(c))).toEqual([]);
    }
  });

  it('host 3 stops answering mid-boot: the fleet rolls back within the host-loss timeout; the agent back finds its host repaired', async () => {
    const f = fleet();
    const h3 = f.hosts[2]!;
    let agents: Agent[] = [];
    let agentDown: Promise<void> | undefined;
    h3.fault('startContainer', async ({ name }) => {
      h3.containers.get(name as string)!.running = true; // it did start; the agent dies before it says so
      agentDown ??= agents[2]!.stop();
      throw retryable('agent killed');
    });
    const t0 = Date.now();
    const out = await deploy(f, {}, async (_h, a) => void (agents = a));
    expect(Date.now() - t0).toBeLessThan(60_000); // bounded by the host-loss timeout, not hung
    expect(out.error?.type).toBe('DockhandFleetHostFailed');
    expect(out.error?.message).toContain(`host ${h3.host} stopped answering`);
    for (const h of f.hosts.slice(0, 2)) expect(h.state()).toEqual(onV1(f.service));
    expect(h3.state().containers).toContain(`${f.service}-green app:v2`); // left until its agent returns
    // Meanwhile `dockhand status` lists the repair that waits for the agent.
    const repairId = fleetRepairId(f.service, h3.host, out.runId);
    await waitFor(
      async () => (await pendingRepairs(t.env.client, f.service)).some((p) => p.workflowId === repairId),
      20_000,
      'the pending repair listed',
    );
    expect(await pendingRepairs(t.env.client, f.service)).toEqual([
      { workflowId: repairId, host: h3.host, startedAt: expect.any(String) },
    ]);
    // The agent comes back: the repair the deploy left puts the host back as before.
    await agentDown;
    const back = new FakeFleetHost(h3.host, f.service);
    Object.assign(back, { containers: h3.containers, edge: h3.edge });
    const agent = new Agent(back);
    const orchestrator = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue: `fleet-wf-${process.pid}-${n}`,
      workflowBundle: t.bundle,
      activities: orchestratorTestActivities(t.env.client),
    });
    await agent.start();
    try {
      await orchestrator.runUntil(
        t.env.client.workflow.getHandle(fleetRepairId(f.service, h3.host, out.runId)).result(),
      );
    } finally {
      await agent.stop();
    }
    expect(back.state()).toEqual(onV1(f.service));
  });

  it('policy continue with minHosts 2: a lost host is left behind (and repaired later), the others go to v2', async () => {
    const f = fleet();
    const h3 = f.hosts[2]!;
    let agents: Agent[] = [];
    h3.fault('createContainer', async () => {
      void agents[2]!.stop();
      throw retryable('agent killed');
    });
    const out = await deploy(
      f,
      { hostLoss: { timeout: 5000, policy: 'continue', minHosts: 2 } },
      async (_h, a) => void (agents = a),
    );
    expect(out.error).toBeUndefined();
    expect(out.result!.hosts.map((h) => h.host)).toEqual(f.ids.slice(0, 2));
    expect(out.result!.lost.map((l) => l.host)).toEqual([h3.host]);
    for (const h of f.hosts.slice(0, 2)) expect(h.state()).toEqual(onV2(f.service));
    expect(h3.state()).toEqual(onV1(f.service));
  });

  it('host 3 stops answering while the fleet waits for the ONE approval: rolled back before any switch, the current details name the host', async () => {
    const f = fleet();
    const h3 = f.hosts[2]!;
    let shown = '';
    const t0 = Date.now();
    const out = await deploy(f, { approval: { required: true, timeoutMs: 30 * 60_000 } }, async (run, agents) => {
      const handle = t.env.client.workflow.getHandle(run.workflowId);
      await untilAwaitingApproval(handle);
      // The wait's first probe round reaches every agent; host 3's dies after it answered (on a loaded
      // machine the stop could otherwise come before that probe was picked up).
      await waitFor(async () => f.hosts.every((h) => h.calls.includes('pingAgent')), 30_000, 'the first probes');
      await agents[2]!.stop();
      // Nobody answers: the fleet notices the lost agent by itself, long before the approval's timeout.
      shown = await waitFor(
        async () => {
          const d = (await queryMetadata(handle)).currentDetails;
          return d?.includes('agent not answering since') ? d : undefined;
        },
        60_000,
        'the lost host in the current details',
      );
    });
    expect(Date.now() - t0).toBeLessThan(90_000);
    expect(shown).toContain(`host ${h3.host} stopped answering: agent not answering since`);
    expect(out.error?.type).toBe('DockhandFleetHostFailed');
    expect(out.error?.message).toMatch(
      new RegExp(`host ${h3.host} stopped answering: agent not answering since \\d{4}-\\d\\d-\\d\\dT`),
    );
    expect(out.error?.message).toContain('(host-loss policy: rollback)');
    for (const h of f.hosts) expect(h.calls).not.toContain('switchEdgeColor'); // no edge ever switched
    for (const h of f.hosts.slice(0, 2)) expect(h.state()).toEqual(onV1(f.service));
    // Every host answered probes until host 3's agent died.
    for (const h of f.hosts) expect(h.calls).toContain('pingAgent');
  });

  it('policy continue with minHosts 2: host 3 lost during the approval wait is left behind at once; the approval switches hosts 1–2', async () => {
    const f = fleet();
    const h3 = f.hosts[2]!;
    const out = await deploy(
      f,
      {
        approval: { required: true, timeoutMs: 30 * 60_000 },
        hostLoss: { timeout: 5000, policy: 'continue', minHosts: 2 },
      },
      async (run, agents) => {
        const handle = t.env.client.workflow.getHandle(run.workflowId);
        await untilAwaitingApproval(handle);
        await agents[2]!.stop();
        await waitFor(
          async () => (await handle.query(fleetStatusQuery)).hosts[2]!.step === 'lost',
          60_000,
          'host 3 left behind while the fleet waits',
        );
        expect((await handle.query(fleetStatusQuery)).phase).toBe('awaiting-approval');
        await t
          .clientAs('approver')
          .workflow.getHandle(run.workflowId)
          .executeUpdate(approveUpdate, { args: [{ comment: 'ok without host 3' }] });
      },
    );
    expect(out.error).toBeUndefined();
    expect(out.result!.hosts.map((h) => h.host)).toEqual(f.ids.slice(0, 2));
    expect(out.result!.lost).toEqual([
      { host: h3.host, cause: expect.stringMatching(/^agent not answering since /), lost: true },
    ]);
    for (const h of f.hosts.slice(0, 2)) expect(h.state()).toEqual(onV2(f.service));
    expect(h3.calls).not.toContain('switchEdgeColor');
  });

  it('host 3 stops answering during the bake: every host switched back at once, without waiting for the window to end', async () => {
    const f = fleet();
    const h3 = f.hosts[2]!;
    const t0 = Date.now();
    const out = await deploy(f, { bakeMs: 30 * 60_000 }, async (run, agents) => {
      const handle = t.env.client.workflow.getHandle(run.workflowId);
      await waitFor(async () => (await handle.query(fleetStatusQuery)).phase === 'baking', 30_000, 'the bake');
      await agents[2]!.stop();
    });
    expect(Date.now() - t0).toBeLessThan(90_000);
    expect(out.error?.type).toBe('DockhandFleetHostFailed');
    expect(out.error?.message).toContain(`host ${h3.host} stopped answering: agent not answering since`);
    for (const h of f.hosts.slice(0, 2)) expect(h.state()).toEqual(onV1(f.service));
  });

  it('a rollback sent as the bake begins counts while host 3 still stops its old color: every host back on v1', async () => {
    const f = fleet();
    const h3 = f.hosts[2]!;
    let stopped!: () => void;
    const stopping = new Promise<void>((resolve) => (stopped = resolve));
    h3.fault('stopContainer', async (i) => {
      await stopping; // its Engine takes the grace period; the status already says "baking"
      h3.containers.get(i.name as string)!.running = false;
    });
    const { error } = await deploy(
      f,
      { bakeMs: 30 * 60_000, oldColorDuringBake: 'stopped' },
      async ({ workflowId }) => {
        const handle = t.env.client.workflow.getHandle(workflowId);
        await waitFor(async () => (await handle.query(fleetStatusQuery)).phase === 'baking', 30_000, 'the bake');
        await waitFor(() => h3.calls.includes('stopContainer'), 30_000, 'host 3 stopping blue');
        const answered = t
          .clientAs('carol')
          .workflow.getHandle(workflowId)
          .executeUpdate(rollbackUpdate, { args: [{ comment: 'too soon' }] });
        await answered.finally(stopped); // the stop ends either way, so a refusal fails the test at once
      },
    );
    expect(error?.type).toBe('DockhandRolledBack');
    expect(error?.message).toBe('every host rolled back by carol: too soon');
    for (const h of f.hosts) expect(h.state()).toEqual(onV1(f.service));
  });

  it('the deploy guard after a fleet deploy completed: a new color unhealthy on host 3 puts EVERY host back on v1', async () => {
    const f = fleet();
    const workflowId = `deploy/${f.service}`; // the service's lock: the guard reads its runs
    const taskQueue = `fleet-wf-${process.pid}-${n}`;
    const orchestrator = await Worker.create({
      connection: t.env.nativeConnection,
      taskQueue,
      workflowBundle: t.bundle,
      activities: orchestratorTestActivities(t.env.client),
    });
    const agents = f.hosts.map((h) => new Agent(h));
    await Promise.all(agents.map((a) => a.start()));
    const fleetDeploy = (image: string) =>
      t.env.client.workflow.execute('fleetBlueGreenDeploy', {
        taskQueue,
        workflowId,
        args: [
          {
            service: f.service,
            hosts: f.ids,
            spec: { image, network: `${f.service}-net` },
            approval: { required: false },
            bakeMs: 0,
            hostLoss: { timeout: 5000 },
          } satisfies FleetBlueGreenRequest,
        ],
      }) as Promise<FleetBlueGreenResult>;
    const rule = Rule.parse({
      name: 'guard',
      match: { action: 'health_status', status: 'unhealthy', labels: { [Labels.managed]: 'true' } },
      workflow: 'deployGuard',
      args: { windowMs: '10m', approval: { required: false } },
    });
    const h3 = f.hosts[2]!;
    try {
      const guarded = await orchestrator.runUntil(async () => {
        await fleetDeploy('app:v1'); // v1 on green everywhere: the spec the guard goes back to
        const v2 = await fleetDeploy('app:v2'); // v2 on blue everywhere
        expect(v2.spec.image).toBe('app:v2');
        // The guard lists completed runs: wait until both are visible.
        await waitFor(
          async () =>
            (await t.env.client.workflow.count(`WorkflowId = "${workflowId}" AND ExecutionStatus = "Completed"`))
              .count === 2,
          20_000,
          'both fleet deploys visible',
        );
        h3.containers.get(`${f.service}-blue`)!.healthy = false;
        const event: EngineEvent = {
          source: 'engine',
          host: h3.host,
          type: 'container',
          action: 'health_status',
          status: 'unhealthy',
          id: 'c-blue-h3',
          name: `${f.service}-blue`,
          labels: { [Labels.managed]: 'true', [Labels.service]: f.service, [Labels.color]: 'blue' },
          timeNano: `${BigInt(Date.now()) * 1_000_000n}`,
        };
        const config = { orchestratorTaskQueue: taskQueue } as DockhandConfig;
        expect(await guardDeploy(t.env.client, config, rule, event)).toMatchObject({
          outcome: 'started',
          workflowType: 'deployGuardRollback',
        });
        return (await t.env.client.workflow.getHandle(workflowId).result()) as DeployGuardResult;
      });
      expect(guarded).toMatchObject({
        outcome: 'rolled-back',
        strategy: 'fleet-blue-green',
        spec: { image: 'app:v1' },
      });
      // Every host, not only host 3, serves v1 again (on green); v2 is gone everywhere.
      for (const h of f.hosts)
        expect(h.state()).toEqual({
          serving: `${f.service}-green (app:v1)`,
          containers: [`${f.service}-green app:v1`],
        });
    } finally {
      await Promise.all(agents.map((a) => a.stop()));
    }
  });
});

/** Until the fleet waits for its one approval. */
function untilAwaitingApproval(handle: WorkflowHandle): Promise<unknown> {
  return waitFor(
    async () => (await handle.query(fleetStatusQuery)).phase === 'awaiting-approval',
    20_000,
    'the approval',
  );
}
