import { beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { answerDeploy } from '../../client/answer';
import { startBlueGreenDeploy } from '../../client/blue-green';
import { DeployErrorType, ErrorType } from '../../common/errors';
import {
  colorsOf,
  fixtureApp,
  patientHealthcheck,
  runCli,
  useBlueGreenWorld,
  viaEdge,
  waitForPhase,
} from '../support/blue-green';
import { containersOf, docker, removeService } from '../support/docker';
import { clientAs } from '../support/temporal';

const world = useBlueGreenWorld('bgk', { healthTimeoutMs: 20_000, bakeMs: 500 });
const { service, network, request, deploy, cliEnv } = world;
const app = fixtureApp;
let edgePort = 0;
world.onCleanUp(() => removeService(`bgk-new-${world.ids.suffix}`));

/** The state every failed deploy must leave: blue on v1, alone, serving through the edge. */
async function expectBlueServingV1() {
  expect(await colorsOf(service)).toEqual([
    { name: `${service}-blue`, color: 'blue', image: app('v1'), state: 'running' },
  ]);
  expect(await viaEdge(edgePort)).toBe('200 v1\n');
}
function failureOf(err: unknown) {
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause;
}

beforeAll(async () => {
  edgePort = (await (await deploy('v1')).result()).edge.hostPort;
  await expectBlueServingV1();
});

// The real-engine half of the compensation: Docker's own health verdict, a smoke GET over the network,
// the edge a first deploy made removed again, a stopped old color started and answering through nginx
// again — always blue answering v1 through the edge. The decisions (reject, approval timeout, cancel
// while waiting or during the drain, a failure at each step, a failed undo) run in seconds in
// test/unit/blue-green/blue-green-workflow.test.ts; foreign containers: blue-green-ownership.test.ts.
// Each case runs a whole deploy (and some the CLI, a process of its own): on a saturated shared
// machine that can take minutes, so the per-test limit is above the suite default.
describe(
  'blueGreenDeploy compensation: every way a deploy ends early leaves blue serving, alone',
  { timeout: 240_000 },
  () => {
    it('broken green never gets healthy: removed, edge still on blue; the CLI exits non-zero with the cause', async () => {
      const cli = await runCli(
        [
          'deploy',
          service,
          '--image',
          app('broken'),
          '--app-port',
          '8080',
          '--network',
          network,
          '--init',
          '--no-approval',
          '--health-timeout',
          '20s',
          '--wait',
        ],
        cliEnv,
      );
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(`deploy/${service} failed`);
      expect(cli.stderr).toContain(`${service}-green: Docker marked it unhealthy`);
      expect(cli.stderr).toContain(`[${ErrorType.Unhealthy}]`);
      // The edge learned green while its health was awaited: the undo drops it there, then removes it.
      expect(cli.stderr).toMatch(/\] compensating — undoing \(drop (bgk-\w+)-green from \1-edge; remove \1-green\)/);
      await expectBlueServingV1();
    });

    it('a failing smoke check (GET on the new color before the gate) compensates the same way', async () => {
      const handle = await deploy('v2', { smoke: { path: '/missing', expectStatus: 200 } });
      const cause = failureOf(await handle.result().catch((e) => e)) as ApplicationFailure;
      expect(cause.type).toBe(DeployErrorType.CheckFailed);
      expect(cause.message).toMatch(
        /smoke check of bgk-\w+-green: GET http:\/\/[\d.]+:8080\/missing answered 404, expected 200/,
      );
      await expectBlueServingV1();
    });

    it('a first deploy that fails leaves nothing behind, not even the edge it created', async () => {
      const fresh = `bgk-new-${world.ids.suffix}`;
      const handle = await startBlueGreenDeploy(world.client, world.config, {
        ...request('crash'),
        service: fresh,
        spec: { image: app('crash'), init: true, network, healthcheck: patientHealthcheck },
      });
      const cause = failureOf(await handle.result().catch((e) => e));
      expect((cause?.cause as ApplicationFailure).type).toBe(ErrorType.ContainerExited);
      expect(await containersOf(fresh)).toEqual([]);
    });

    it('rollback signal inside the bake window switches back to blue (kept stopped during the bake)', async () => {
      const handle = await deploy('v2', { bakeMs: 120_000, oldColorDuringBake: 'stopped' });
      await waitForPhase(handle, 'baking');
      await waitForState(`${service}-blue`, 'exited');
      expect(await viaEdge(edgePort)).toBe('200 v2\n');
      await answerDeploy(clientAs(world.client, 'carol'), service, 'rollback', { comment: 'error rate' });
      const cause = failureOf(await handle.result().catch((e) => e)) as ApplicationFailure;
      expect(cause.type).toBe(DeployErrorType.RolledBack);
      expect(cause.message).toContain('by carol: error rate');
      await expectBlueServingV1();
    });
  },
);

async function waitForState(name: string, state: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await docker.getContainer(name).inspect()).State.Status !== state) {
    if (Date.now() > deadline) throw new Error(`${name} not ${state} in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
