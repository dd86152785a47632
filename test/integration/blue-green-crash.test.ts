import { beforeAll, describe, expect, it } from 'vitest';
import { answerDeploy } from '../../client/answer';
import { statusQuery } from '../../common/blue-green';
import { colorsOf, fixtureApp, useBlueGreenWorld, viaEdge, waitFor, waitForPhase } from '../support/blue-green';
import { startWorker } from '../support/workers';
import { clientAs } from '../support/temporal';

const world = useBlueGreenWorld('bgc', { healthTimeoutMs: 30_000, bakeMs: 1000 });
const { service, network, deploy } = world;
const app = fixtureApp;
let edgePort = 0;

beforeAll(async () => {
  const first = await (await deploy('v1')).result();
  edgePort = first.edge.hostPort;
});

describe('blueGreenDeploy under orchestrator crashes', () => {
  it('orchestrator SIGKILLed while green starts and again while waiting for approval: the deploy completes, one new container', async () => {
    // A 3 s health interval keeps the new color "starting" long enough to kill the orchestrator then.
    const slowHealth = {
      test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
      interval: '3s',
      timeout: '10s',
      retries: 3,
    };
    const handle = await deploy('v2', {
      spec: { image: app('v2'), init: true, network, healthcheck: slowHealth },
      approval: { required: true, timeoutMs: 300_000 },
    });
    await waitFor(
      async () => (await colorsOf(service)).some((c) => c.name === `${service}-green` && c.state === 'running'),
      90_000,
      'new color started',
    );
    expect((await handle.query(statusQuery)).phase).toBe('green-up');
    await restartOrchestrator();

    await waitForPhase(handle, 'awaiting-approval', 180_000);
    await restartOrchestrator();
    expect(await colorsOf(service)).toEqual([
      { name: `${service}-blue`, color: 'blue', image: app('v1'), state: 'running' },
      { name: `${service}-green`, color: 'green', image: app('v2'), state: 'running' },
    ]);

    await answerDeploy(clientAs(world.client, 'alice'), service, 'approve', { by: 'alice' });
    const result = await handle.result();
    expect(result).toMatchObject({
      liveColor: 'green',
      image: app('v2'),
      approval: { outcome: 'approved', by: 'alice' },
    });
    expect(await colorsOf(service)).toEqual([
      { name: `${service}-green`, color: 'green', image: app('v2'), state: 'running' },
    ]);
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
  }, 300_000); // two orchestrator restarts, each bundling the workflows again
});

async function restartOrchestrator(): Promise<void> {
  await world.workers.orchestrator.crash();
  const replacement = startWorker('orchestrator', world.ids);
  world.workers.orchestrator = replacement;
  await replacement.ready;
}
