import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryPolicy, CanarySettings } from '../../../common/canary';
import type { FleetCanaryRequest, FleetCanaryResult } from '../../../common/fleet-canary';
import { hostTaskQueue } from '../../../common/task-queues';
import { FakeFleetHost } from '../../support/fake-fleet-host';
import { createWorkflowTestEnv, orchestratorTestActivities, type WorkflowTestEnv } from '../../support/workflow-env';

// The fleet canary's order of work against in-memory hosts (test/support/fake-fleet-host.ts), each
// served by its own worker on its own host queue, on a private Temporal dev server. The real engines,
// edges, registry and judged windows are test/integration/fleet-canary.test.ts.
let t: WorkflowTestEnv;
beforeAll(async () => void (t = await createWorkflowTestEnv()), 120_000);
afterAll(() => t?.teardown());

let n = 0;

/** Runs a fleet canary of app:v2 over three fake hosts serving app:v1 (blue), promoted at once. */
async function canaryOn(hosts: FakeFleetHost[], service: string): Promise<FleetCanaryResult> {
  const taskQueue = `fleet-canary-wf-${process.pid}-${n}`;
  const orchestrator = await Worker.create({
    connection: t.env.nativeConnection,
    taskQueue,
    workflowBundle: t.bundle,
    activities: orchestratorTestActivities(t.env.client),
  });
  const agents = await Promise.all(
    hosts.map((h) =>
      Worker.create({
        connection: t.env.nativeConnection,
        taskQueue: hostTaskQueue(h.host),
        activities: h.activities(),
      }),
    ),
  );
  const running = agents.map((a) => a.run());
  try {
    return await orchestrator.runUntil(
      t.env.client.workflow.execute('fleetCanaryDeploy', {
        taskQueue,
        workflowId: `deploy/${service}-${Date.now()}`,
        args: [
          {
            service,
            hosts: hosts.map((h) => h.host),
            spec: { image: 'app:v2', network: `${service}-net` },
            approval: { required: false },
            bakeMs: 0,
            // Weight 100 at once: the order of the pull, plan and boot is what this test is about.
            canary: canaryPolicy(CanarySettings.parse({ steps: [{ weight: 100 }] })),
          } satisfies FleetCanaryRequest,
        ],
      }) as Promise<FleetCanaryResult>,
    );
  } finally {
    for (const a of agents) a.shutdown();
    await Promise.all(running);
  }
}

describe('fleetCanaryDeploy', () => {
  it('pulls and plans on every host in one round, and the boot does not ensure the image again', async () => {
    const id = `${process.pid}-${++n}`;
    const service = `fcanary${n}`;
    const hosts = [1, 2, 3].map((i) => FakeFleetHost.serving(`fc${i}-${id}`, service, 'app:v1'));
    const log: string[] = [];
    // Each pull waits (at most 20 s) until every host has started its own: with the pull in rounds
    // (host 1 resolves, then the others) the others start only once host 1's has ended.
    let othersStarted!: () => void;
    const others = new Promise<void>((r) => (othersStarted = r));
    for (const h of hosts)
      h.fault('ensureImage', async ({ image, digest }) => {
        log.push(`${h.host} pull ${image as string}`);
        if (log.filter((l) => l.includes(' pull ')).length === hosts.length) othersStarted();
        await Promise.race([others, new Promise((r) => setTimeout(r, 20_000))]);
        log.push(`${h.host} pulled`);
        return {
          image,
          id: `sha256:${image as string}`,
          pulled: true,
          digest: digest ?? `sha256:digest-of-${image as string}`,
        };
      });
    const result = await canaryOn(hosts, service);
    expect(result.outcome).toBe('promoted');
    expect(result.digest).toBe('sha256:digest-of-app:v2');
    for (const h of hosts)
      expect(h.state()).toEqual({ serving: `${service}-green (app:v2)`, containers: [`${service}-green app:v2`] });
    // One round: every host's pull began before any ended.
    expect(log.slice(0, 3).sort()).toEqual(hosts.map((h) => `${h.host} pull app:v2`).sort());
    for (const h of hosts) {
      // The plan's reads come before anything changes on the host...
      const firstChange = h.calls.findIndex((c) => !['ensureImage', 'listServiceContainers', 'readEdge'].includes(c));
      expect(h.calls.slice(0, firstChange).sort()).toEqual(['ensureImage', 'listServiceContainers', 'readEdge']);
      // ...and the image is ensured once (the edge runs: its image is not ensured either).
      expect(log.filter((l) => l === `${h.host} pull app:v2`)).toHaveLength(1);
    }
  }, 90_000);
});
