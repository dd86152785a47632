import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { answerDeploy } from '../../client/answer';
import { startBlueGreenDeploy } from '../../client/blue-green';
import type { BlueGreenRequest } from '../../common/blue-green';
import type { DockhandConfig } from '../../common/config';
import { DeployErrorType, ErrorType } from '../../common/errors';
import { colorsOf, patientHealthcheck, runCli, viaEdge, waitForPhase } from '../support/blue-green';
import { containersOf, docker, removeNetwork, removeService } from '../support/docker';
import { testClient } from '../support/temporal';
import { startWorkers, testIds } from '../support/workers';

const ids = testIds('bgk');
const service = `bgk-${ids.suffix}`;
const network = `dh-bgk-${ids.suffix}`;
const cliEnv = { DOCKHAND_HOST_ID: ids.hostId, DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue };
let client: Client;
let config: DockhandConfig;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let edgePort = 0;

const app = (v: string) => `dockhand-fixture-app:${v}`;
function request(version: string, extra: Partial<BlueGreenRequest> = {}): BlueGreenRequest {
  return { service, host: ids.hostId, spec: { image: app(version), init: true, network, healthcheck: patientHealthcheck }, appPort: 8080, approval: { required: false }, healthTimeoutMs: 20_000, bakeMs: 500, ...extra };
}
const approval = (timeoutMs = 120_000, approvers: string[] = []) => ({ approval: { required: true, timeoutMs, approvers } });

/** The state every failed deploy must leave: blue on v1, alone, serving through the edge. */
async function expectBlueServingV1() {
  expect(await colorsOf(service)).toEqual([{ name: `${service}-blue`, color: 'blue', image: app('v1'), state: 'running' }]);
  expect(await viaEdge(edgePort)).toBe('200 v1\n');
}
function failureOf(err: unknown) {
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause;
}

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  workers = await startWorkers(ids);
  edgePort = (await (await startBlueGreenDeploy(client, config, request('v1'))).result()).edge.hostPort;
  await expectBlueServingV1();
});
afterAll(async () => {
  await workers?.stop();
  await Promise.all([removeService(service), removeService(`bgk-new-${ids.suffix}`)]);
  await removeNetwork(network);
});

// Each case runs a whole deploy (and some the CLI, a process of its own): on a saturated shared
// machine that can take minutes, so the per-test limit is above the suite default.
describe('blueGreenDeploy compensation: every way a deploy ends early leaves blue serving, alone', { timeout: 240_000 }, () => {
  it('broken green never gets healthy: removed, edge still on blue; the CLI exits non-zero with the cause', async () => {
    const cli = await runCli(['deploy', service, '--image', app('broken'), '--app-port', '8080', '--network', network, '--init', '--no-approval', '--health-timeout', '20s', '--wait'], cliEnv);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`deploy/${service} failed`);
    expect(cli.stderr).toContain(`${service}-green: Docker marked it unhealthy`);
    expect(cli.stderr).toContain(`[${ErrorType.Unhealthy}]`);
    expect(cli.stderr).toMatch(/\] compensating — undoing \(remove bgk-\w+-green\)/);
    await expectBlueServingV1();
  });

  it('a failing smoke check (GET on the new color before the gate) compensates the same way', async () => {
    const handle = await startBlueGreenDeploy(client, config, request('v2', { smoke: { path: '/missing', expectStatus: 200 } }));
    const cause = failureOf(await handle.result().catch((e) => e)) as ApplicationFailure;
    expect(cause.type).toBe(DeployErrorType.CheckFailed);
    expect(cause.message).toMatch(/smoke check of bgk-\w+-green: GET http:\/\/[\d.]+:8080\/missing answered 404, expected 200/);
    await expectBlueServingV1();
  });

  it('a first deploy that fails leaves nothing behind, not even the edge it created', async () => {
    const fresh = `bgk-new-${ids.suffix}`;
    const handle = await startBlueGreenDeploy(client, config, { ...request('crash'), service: fresh, spec: { image: app('crash'), init: true, network, healthcheck: patientHealthcheck } });
    const cause = failureOf(await handle.result().catch((e) => e));
    expect((cause?.cause as ApplicationFailure).type).toBe(ErrorType.ContainerExited);
    expect(await containersOf(fresh)).toEqual([]);
  });

  it('reject (from the CLI): green removed, blue untouched, the workflow fails with who and why', async () => {
    const handle = await startBlueGreenDeploy(client, config, request('v2', approval()));
    await waitForPhase(handle, 'awaiting-approval');
    const cli = await runCli(['reject', service, '--by', 'bob', '--comment', 'not on a Friday'], cliEnv);
    expect(cli.code, cli.stderr).toBe(0);
    const cause = failureOf(await handle.result().catch((e) => e)) as ApplicationFailure;
    expect(cause.type).toBe(DeployErrorType.Rejected);
    expect(cause.message).toBe('rejected by bob: not on a Friday');
    await expectBlueServingV1();
  });

  it('approval timeout rejects by default, with the same clean outcome', async () => {
    const handle = await startBlueGreenDeploy(client, config, request('v2', approval(1500)));
    const cause = failureOf(await handle.result().catch((e) => e)) as ApplicationFailure;
    expect(cause.type).toBe(DeployErrorType.ApprovalTimedOut);
    expect((await handle.query<{ phase: string }>('status')).phase).toBe('failed');
    await expectBlueServingV1();
  });

  it('cancel from the client while waiting: compensates in a non-cancellable scope', async () => {
    const handle = await startBlueGreenDeploy(client, config, request('v2', approval()));
    await waitForPhase(handle, 'awaiting-approval');
    await handle.cancel();
    expect(failureOf(await handle.result().catch((e) => e))).toBeInstanceOf(CancelledFailure);
    await expectBlueServingV1();
  });

  it('rollback signal inside the bake window switches back to blue (kept stopped during the bake)', async () => {
    const handle = await startBlueGreenDeploy(client, config, request('v2', { bakeMs: 120_000, oldColorDuringBake: 'stopped' }));
    await waitForPhase(handle, 'baking');
    await waitForState(`${service}-blue`, 'exited');
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
    await answerDeploy(client, service, 'rollback', { by: 'carol', comment: 'error rate' });
    const cause = failureOf(await handle.result().catch((e) => e)) as ApplicationFailure;
    expect(cause.type).toBe(DeployErrorType.RolledBack);
    expect(cause.message).toContain('by carol: error rate');
    await expectBlueServingV1();
  });

});

async function waitForState(name: string, state: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await docker.getContainer(name).inspect()).State.Status !== state) {
    if (Date.now() > deadline) throw new Error(`${name} not ${state} in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
