import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetBlueGreenDeploy, type FleetBlueGreenHandle } from '../../client/fleet-blue-green';
import { killTestAgent, restartTestAgent, testHostsDown, testHostsUp, type TestHosts } from '../../cli/lib/test-hosts';
import { fleetStatusQuery, type FleetBlueGreenRequest } from '../../common/fleet-blue-green';
import type { DockhandConfig } from '../../common/config';
import { approveUpdate } from '../../common/signals';
import { fleetRepairId } from '../../common/workflow-ids';
import { patientHealthcheck } from '../support/blue-green';
import { startLoad, type LoadReport } from '../support/load';
import { clientAs, testClient } from '../support/temporal';
import { ownTestHosts } from '../support/test-hosts';
import { waitFor } from '../support/wait';
import { startWorker, testIds } from '../support/workers';

// Three real Docker hosts (engines in network namespaces of their own, one agent each) and the
// registry, under this file's own names ("fb", blocks 113–116, registry port 22113). One service on
// all three, each host with its own edge published on the namespace's address; load through every
// edge while the fleet changes. The decisions (boot limit, host loss, repair) are
// test/unit/fleet/fleet-blue-green-workflow.test.ts; this file proves them on real engines, lean.
const ids = testIds('fbg');
const NAME = 'fb';
const EDGE_PORT = 22180;
const options = ownTestHosts(ids, {
  name: NAME,
  count: 3,
  firstBlock: 114,
  registryBlock: 113,
  registryPort: 22113,
  images: ['dockhand-fixture-app:v1', 'dockhand-fixture-app:v2', 'dockhand-edge:1'],
});
const service = `fbg-${ids.suffix}`;
let up: TestHosts;
let client: Client;
let config: DockhandConfig;
let orchestrator: ReturnType<typeof startWorker>;

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  orchestrator = startWorker('orchestrator', ids);
  [up] = await Promise.all([testHostsUp(options), orchestrator.ready]);
}, 300_000);

afterAll(async () => {
  await orchestrator?.stop();
  await testHostsDown(options);
}, 120_000);

const hostIds = () => up.hosts.map((h) => h.hostId);
const image = (name: string) => `${up.registry}/${name}`;

function request(version: string, extra: Partial<FleetBlueGreenRequest> = {}): FleetBlueGreenRequest {
  return {
    service,
    hosts: hostIds(),
    spec: { image: image(`dockhand-fixture-app:${version}`), init: true, healthcheck: patientHealthcheck },
    appPort: 8080,
    approval: { required: false },
    bakeMs: 0,
    verifyPath: '/health',
    // Published on every address of the host's namespace: reachable from here at its veth address.
    edge: { image: image('dockhand-edge:1'), port: EDGE_PORT, hostIp: '0.0.0.0' },
    ...extra,
  };
}

async function outcome(handle: FleetBlueGreenHandle) {
  try {
    return { result: await handle.result() };
  } catch (e) {
    if (!(e instanceof WorkflowFailedError)) throw e;
    return { error: e.cause as ApplicationFailure };
  }
}

/** What each host's edge answers on /version, and the service's containers on each engine. */
async function fleetState() {
  return Promise.all(
    up.hosts.map(async (h) => {
      const res = await fetch(`http://${h.engine.address}:${EDGE_PORT}/version`);
      const names = await h.engine.docker([
        'ps',
        '-a',
        '--filter',
        `label=dockhand.service=${service}`,
        '--format',
        '{{.Names}}',
      ]);
      return { version: (await res.text()).trim(), containers: names.trim().split('\n').sort() };
    }),
  );
}

/** Load through every host's edge while `body` runs. */
async function underLoad(body: () => Promise<void>): Promise<LoadReport[]> {
  const loads = up.hosts.map((h) => startLoad(`http://${h.engine.address}:${EDGE_PORT}/version`, 10));
  try {
    await body();
  } finally {
    await new Promise((r) => setTimeout(r, 500));
  }
  return Promise.all(loads.map((l) => l.stop()));
}

/** SIGKILL the orchestrator (no clean-up) and start another on the same queue. */
async function restartOrchestrator(): Promise<void> {
  await orchestrator.crash();
  orchestrator = startWorker('orchestrator', ids);
  await orchestrator.ready;
}

const failedOf = (reports: LoadReport[]) => reports.map((r) => `${r.failed}/${r.requests}`);

describe('fleet blue-green on three real hosts', () => {
  it('first deploy v1, then v1 → v2 under load through every edge: every host on v2, 0 failed requests', async () => {
    const first = await outcome(await startFleetBlueGreenDeploy(client, config, request('v1')));
    expect(first.error).toBeUndefined();
    expect((await fleetState()).map((s) => s.version)).toEqual(['v1', 'v1', 'v1']);
    let digest: string | undefined;
    const reports = await underLoad(async () => {
      const r = await outcome(await startFleetBlueGreenDeploy(client, config, request('v2')));
      expect(r.error).toBeUndefined();
      digest = r.result!.digest;
    });
    expect(failedOf(reports)).toEqual([
      '0/' + reports[0]!.requests,
      '0/' + reports[1]!.requests,
      '0/' + reports[2]!.requests,
    ]);
    for (const r of reports) expect(r.sequence).toEqual(['v1\n', 'v2\n']);
    expect(digest).toBe(up.pushed.find((p) => p.source === 'dockhand-fixture-app:v2')!.digest);
    const green = `${service}-green`;
    expect(await fleetState()).toEqual(
      up.hosts.map(() => ({ version: 'v2', containers: [`${service}-edge`, green].sort() })),
    );
  }, 300_000);

  it("host 3's new color broken at switch time (after hosts 1–2 switched): every host back on v2, 0 failed, nothing left", async () => {
    const handle = await startFleetBlueGreenDeploy(
      client,
      config,
      request('v1', { approval: { required: true, timeoutMs: 300_000 } }),
    );
    const reports = await underLoad(async () => {
      await untilAwaitingApproval(handle);
      const details = (await handle.query(fleetStatusQuery)).details;
      for (const id of hostIds()) expect(details).toContain(`\`${id}\`: ${service}-green`);
      // The new color on host 3 stops answering its verify path: the check right after its switch fails.
      await up.hosts[2]!.engine.docker(['exec', `${service}-blue`, '/bin/busybox', 'rm', '/www/health']);
      await clientAs(client, 'approver')
        .workflow.getHandle(handle.workflowId)
        .executeUpdate(approveUpdate, {
          args: [{ comment: 'fleet test' }],
        });
      const r = await outcome(handle);
      expect(r.error?.type).toBe('DockhandFleetHostFailed');
      expect(r.error?.message).toContain(`host ${hostIds()[2]}: after the switch, GET /health`);
    });
    expect(reports.map((r) => r.failed)).toEqual([0, 0, 0]);
    const status = await handle.query(fleetStatusQuery);
    expect(status.hosts.map((h) => h.step)).toEqual(['rolled back', 'rolled back', 'rolled back']);
    const green = `${service}-green`;
    expect(await fleetState()).toEqual(
      up.hosts.map(() => ({ version: 'v2', containers: [`${service}-edge`, green].sort() })),
    );
  }, 300_000);

  it("host 3's agent SIGKILLed at the approval: hosts 1–2 switch, host 3 is lost, every host back, 0 failed; the agent back, the repair leaves nothing", async () => {
    const [was] = await fleetState();
    const next = was!.version === 'v1' ? 'v2' : 'v1';
    const hostLoss = { timeout: 15_000 };
    const approval = { required: true, timeoutMs: 300_000 };
    const handle = await startFleetBlueGreenDeploy(client, config, request(next, { approval, hostLoss }));
    const reports = await underLoad(async () => {
      await untilAwaitingApproval(handle);
      await killTestAgent(options, 2);
      await clientAs(client, 'approver')
        .workflow.getHandle(handle.workflowId)
        .executeUpdate(approveUpdate, { args: [{ comment: 'host 3 is gone' }] });
      const r = await outcome(handle);
      expect(r.error?.type).toBe('DockhandFleetHostFailed');
      expect(r.error?.message).toContain(`host ${hostIds()[2]} stopped answering`);
    });
    // Every edge answers the version from before, host 3's too (its engine runs on, never switched).
    expect(reports.map((r) => r.failed)).toEqual([0, 0, 0]);
    const status = await handle.query(fleetStatusQuery);
    expect(status.hosts.map((h) => h.step)).toEqual(['rolled back', 'rolled back', 'lost']);
    const before = (containers: string[]) => ({ version: was!.version, containers });
    const after = await fleetState();
    expect(after.slice(0, 2)).toEqual([before(was!.containers), before(was!.containers)]);
    expect(after[2]!.version).toBe(was!.version);
    // The agent back: the repair the deploy left removes host 3's new color.
    await restartTestAgent(options, up, 2);
    const { runId } = await handle.describe();
    await client.workflow.getHandle(fleetRepairId(service, hostIds()[2]!, runId)).result();
    expect(await fleetState()).toEqual(up.hosts.map(() => before(was!.containers)));
  }, 420_000);

  it("host 3's agent SIGKILLed while the fleet waits for the approval, nobody answering: the fleet notices by itself, no edge ever switches, 0 failed; the agent back, the repair leaves nothing", async () => {
    const [was] = await fleetState();
    const next = was!.version === 'v1' ? 'v2' : 'v1';
    const hostLoss = { timeout: 15_000 };
    const approval = { required: true, timeoutMs: 600_000 };
    const handle = await startFleetBlueGreenDeploy(client, config, request(next, { approval, hostLoss }));
    const h3 = hostIds()[2]!;
    const reports = await underLoad(async () => {
      await untilAwaitingApproval(handle);
      await killTestAgent(options, 2);
      // No answer: within a probe pause and the host-loss timeout the fleet rolls back on its own.
      const noticed = await waitFor(
        async () => {
          const s = await handle.query(fleetStatusQuery);
          return s.phase !== 'awaiting-approval' && s;
        },
        120_000,
        'the fleet noticing host 3 before any answer',
      );
      expect(noticed.details).toContain(`host ${h3} stopped answering: agent not answering since`);
      const r = await outcome(handle);
      expect(r.error?.type).toBe('DockhandFleetHostFailed');
      expect(r.error?.message).toContain(`host ${h3} stopped answering: agent not answering since`);
    });
    expect(reports.map((r) => r.failed)).toEqual([0, 0, 0]);
    const status = await handle.query(fleetStatusQuery);
    expect(status.phases?.map((p) => p.phase)).not.toContain('switching');
    expect(status.hosts.map((h) => h.step)).toEqual(['rolled back', 'rolled back', 'lost']);
    const before = (containers: string[]) => ({ version: was!.version, containers });
    const after = await fleetState();
    expect(after.slice(0, 2)).toEqual([before(was!.containers), before(was!.containers)]);
    expect(after[2]!.version).toBe(was!.version);
    await restartTestAgent(options, up, 2);
    const { runId } = await handle.describe();
    await client.workflow.getHandle(fleetRepairId(service, h3, runId)).result();
    expect(await fleetState()).toEqual(up.hosts.map(() => before(was!.containers)));
  }, 420_000);

  it('orchestrator SIGKILLed mid-fleet (host 2 booting, then at the approval): resumes at the same host and step, ends consistent', async () => {
    // Boot limit 1: the hosts are at different steps when the orchestrator dies.
    const handle = await startFleetBlueGreenDeploy(
      client,
      config,
      request('v1', { bootLimit: 1, approval: { required: true, timeoutMs: 300_000 } }),
    );
    const status = () => handle.query(fleetStatusQuery);
    await waitFor(
      async () => {
        const s = await status();
        return s.hosts[1]!.step === 'green-up' && s.hosts[1]!.details === '…';
      },
      180_000,
      'host 2 bringing its new color up',
    );
    const before = await status();
    expect(before.hosts[2]!.step).toBe('pull and plan'); // pulled and planned, its new color not started
    await restartOrchestrator();
    const after = await status();
    // Host 1 is not redone, host 2 is still (or done) in its green-up, nothing went back.
    expect(after.hosts[0]).toEqual(before.hosts[0]);
    expect(after.hosts[1]!.step).toBe('green-up');
    expect(['green-up', 'awaiting-approval']).toContain(after.phase);

    await waitFor(async () => (await status()).phase === 'awaiting-approval', 180_000, 'the approval');
    const asking = await status();
    await restartOrchestrator();
    expect(await status()).toMatchObject({ phase: 'awaiting-approval', details: asking.details, hosts: asking.hosts });
    await clientAs(client, 'approver')
      .workflow.getHandle(handle.workflowId)
      .executeUpdate(approveUpdate, { args: [{ comment: 'after two orchestrator crashes' }] });
    const r = await outcome(handle);
    expect(r.error).toBeUndefined();
    // One new color per host, each created once: every host on v1, the old color drained.
    const blue = `${service}-blue`;
    expect(await fleetState()).toEqual(
      up.hosts.map(() => ({ version: 'v1', containers: [`${service}-edge`, blue].sort() })),
    );
  }, 420_000);

  it('an image missing from the registry fails before any host changes', async () => {
    const before = await fleetState();
    const r = await outcome(await startFleetBlueGreenDeploy(client, config, request('absent')));
    expect(r.error?.type).toBe('DockhandFleetHostFailed');
    expect(r.error?.message).toContain('manifest unknown');
    expect(await fleetState()).toEqual(before);
  }, 120_000);
});

/** Until the fleet waits for its one approval (every host's new color up and smoked). */
function untilAwaitingApproval(handle: WorkflowHandle): Promise<unknown> {
  return waitFor(
    async () => (await handle.query(fleetStatusQuery)).phase === 'awaiting-approval',
    180_000,
    'the approval',
  );
}
