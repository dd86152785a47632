import { describe, expect, it } from 'vitest';
import type { ApplicationFailure } from '@temporalio/common';
import { startBlueGreenDeploy } from '../../client/blue-green';
import { ErrorType } from '../../common/errors';
import { colorsOf, fixtureApp, runCli, useBlueGreenWorld, viaEdge, waitFor, waitForPhase } from '../support/blue-green';
import { clientAs } from '../support/temporal';

/** The orchestrator's /metrics port (ports 26200–26299 are this file's). */
const METRICS_PORT = '26211';
const world = useBlueGreenWorld(
  'bg',
  { healthTimeoutMs: 20_000, bakeMs: 500 },
  { orchestrator: { DOCKHAND_METRICS_PORT: METRICS_PORT } },
);
const { service, network, request, deploy, cliEnv } = world;
const app = fixtureApp;
let edgePort = 0;
const approval = (timeoutMs = 120_000, approvers: string[] = []) => ({
  approval: { required: true, timeoutMs, approvers },
});

/** The state every failed deploy must leave: blue on v1, alone, serving through the edge. */
async function expectBlueServingV1() {
  expect(await colorsOf(service)).toEqual([
    { name: `${service}-blue`, color: 'blue', image: app('v1'), state: 'running' },
  ]);
  expect(await viaEdge(edgePort)).toBe('200 v1\n');
}

// Each case runs a whole deploy (and some the CLI, a process of its own): on a saturated shared
// machine that can take minutes, so the per-test limit is above the suite default.
describe('blueGreenDeploy (real engine, real Temporal, real nginx edge)', { timeout: 240_000 }, () => {
  it('first deploy from nothing: creates the edge and blue, and the edge serves blue', async () => {
    const result = await (await deploy('v1')).result();
    expect(result).toMatchObject({
      service,
      liveColor: 'blue',
      liveContainer: `${service}-blue`,
      image: app('v1'),
      approval: { outcome: 'skipped' },
      edge: { name: `${service}-edge`, hostIp: '127.0.0.1' },
    });
    expect(result.previousColor).toBeUndefined();
    edgePort = result.edge.hostPort;
    expect(edgePort).toBeGreaterThan(0);
    await expectBlueServingV1();
  });

  it('v1 → v2 waits for approval (UI details say how), refuses a forged name and the requester, switches on the approve signal', async () => {
    const handle = await deploy('v2', approval(120_000, ['alice']));
    await waitForPhase(handle, 'awaiting-approval');
    // What the Web UI shows on the workflow's page (the SDK's metadata query carries it).
    const meta = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain(`${app('v1')} (blue) → ${app('v2')} (green`);
    expect(meta.currentDetails).toContain('"Send a Signal" → name `approve`');
    expect(meta.currentDetails).toContain(`dockhand approve ${service}`);
    const listed = await waitListed(`DockhandService = "${service}" AND DockhandPhase = "awaiting-approval"`);
    expect(listed).toEqual([handle.workflowId]);
    expect(await colorsOf(service)).toEqual([
      { name: `${service}-blue`, color: 'blue', image: app('v1'), state: 'running' },
      { name: `${service}-green`, color: 'green', image: app('v2'), state: 'running' },
    ]);
    expect(await viaEdge(edgePort)).toBe('200 v1\n'); // green is up but not serving yet

    // The CLI sends an Update as the user it runs as: the refusal is printed, the exit code is 1.
    const refused = await runCli(['approve', service, '--by', 'mallory'], cliEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refused: mallory is not an approver of ${service}`);
    // A forged name: mallory's client types alice's name in `by`. What counts is who Temporal recorded.
    await clientAs(world.client, 'mallory').workflow.getHandle(handle.workflowId).signal('approve', { by: 'alice' });
    // The requester (this test's client started the deploy) is on no list here; with alice's name typed
    // in `by` the Signal is still the requester's own.
    await handle.signal('approve', { by: 'alice', comment: 'me too' });
    const details = await waitFor(
      async () => {
        const d = (await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata')).currentDetails;
        return (d.match(/approve from/g) ?? []).length === 3 && d;
      },
      30_000,
      'the refused answers listed in the details',
    );
    expect(details).toContain('**Answers that did not count**');
    expect(details).toContain(`approve from mallory: refused: mallory is not an approver of ${service}`);
    // Exactly what the UI's "Send a Signal" sends: the name and the JSON input, as alice.
    await clientAs(world.client, 'alice')
      .workflow.getHandle(handle.workflowId)
      .signal('approve', { comment: 'ship it' });
    const result = await handle.result();
    const requester = world.client.options.identity;
    expect(result).toMatchObject({
      liveColor: 'green',
      image: app('v2'),
      previousColor: 'blue',
      previousImage: app('v1'),
      approval: {
        outcome: 'approved',
        by: 'alice',
        comment: 'ship it',
        refused: [
          { by: 'mallory', signal: 'approve', why: `refused: mallory is not an approver of ${service}` },
          { by: 'mallory', signal: 'approve', why: `refused: mallory is not an approver of ${service}` },
          { by: requester, signal: 'approve', why: `refused: ${requester} is not an approver of ${service}` },
        ],
      },
    });
    expect(await colorsOf(service)).toEqual([
      { name: `${service}-green`, color: 'green', image: app('v2'), state: 'running' },
    ]);
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
  });

  it("the orchestrator's /metrics counted the two deploys by type and outcome, and the approval's wait", async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
    const deploys = [...metrics.matchAll(/^dockhand_changes_total\{([^}]*type="blueGreenDeploy"[^}]*)\} (\d+)$/gm)];
    expect(deploys.reduce((n, m) => n + Number(m[2]), 0)).toBe(2);
    expect(metrics).toMatch(
      /^dockhand_approval_wait\w*_count\{[^}]*outcome="approved"[^}]*type="blueGreenDeploy"[^}]*\} 1$/m,
    );
  });

  it('v2 → v1 again through the CLI (`dockhand deploy --wait`): phases with elapsed time, exit 0', async () => {
    const cli = await runCli(
      [
        'deploy',
        service,
        '--image',
        app('v1'),
        '--app-port',
        '8080',
        '--network',
        network,
        '--init',
        '--no-approval',
        '--bake',
        '500ms',
        '--wait',
      ],
      cliEnv,
    );
    expect(cli.code, cli.stderr).toBe(0);
    for (const phase of ['planning', 'green-up', 'switching', 'baking', 'draining', 'done'])
      expect(cli.stderr).toMatch(new RegExp(`\\[\\s*\\d+\\.\\ds\\] ${phase}`));
    expect(cli.stdout).toContain(`${service}-blue (blue) serves ${app('v1')}`);
    await expectBlueServingV1();
  });

  it('refuses a second deploy of the same service with an error naming the running one', async () => {
    const first = await deploy('v2', approval());
    const err = await deploy('v2').catch((e) => e);
    expect((err as Error).message).toContain(`deploy/${service} is already running`);
    expect((err as Error).message).toContain('dockhand approve|reject <service>');
    await first.cancel();
    await first.result().catch(() => undefined);
    await expectBlueServingV1();
  });

  it('refuses bad input before anything starts, naming the field', async () => {
    const err = await startBlueGreenDeploy(world.client, world.config, {
      ...request('v2'),
      spec: { image: app('v2'), network: 'host' },
    }).catch((e) => e);
    expect((err as ApplicationFailure).type).toBe(ErrorType.BadSpec);
    expect((err as Error).message).toContain('input.spec.network');
  });
});

async function waitListed(query: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ids: string[] = [];
    for await (const w of world.client.workflow.list({ query: `${query} AND ExecutionStatus = "Running"` }))
      ids.push(w.workflowId);
    if (ids.length > 0 || Date.now() > deadline) return ids;
    await new Promise((r) => setTimeout(r, 300));
  }
}
