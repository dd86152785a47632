import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { answerDeploy } from '../../client/answer';
import { startBlueGreenDeploy } from '../../client/blue-green';
import { statusQuery, type BlueGreenRequest } from '../../common/blue-green';
import type { DockhandConfig } from '../../common/config';
import { colorsOf, patientHealthcheck, viaEdge, waitFor, waitForPhase } from '../support/blue-green';
import { removeNetwork, removeService } from '../support/docker';
import { testClient } from '../support/temporal';
import { startWorker, startWorkers, testIds } from '../support/workers';

const ids = testIds('bgc');
const service = `bgc-${ids.suffix}`;
const network = `dh-bgc-${ids.suffix}`;
let client: Client;
let config: DockhandConfig;
let workers: Awaited<ReturnType<typeof startWorkers>>;
let edgePort = 0;

const app = (v: string) => `dockhand-fixture-app:${v}`;
function request(version: string, extra: Partial<BlueGreenRequest> = {}): BlueGreenRequest {
  return { service, host: ids.hostId, spec: { image: app(version), init: true, network, healthcheck: patientHealthcheck }, appPort: 8080, approval: { required: false }, healthTimeoutMs: 30_000, bakeMs: 1000, ...extra };
}

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  workers = await startWorkers(ids);
  const first = await (await startBlueGreenDeploy(client, config, request('v1'))).result();
  edgePort = first.edge.hostPort;
});
afterAll(async () => {
  await workers?.stop();
  await removeService(service);
  await removeNetwork(network);
});

describe('blueGreenDeploy under orchestrator crashes', () => {
  it('orchestrator SIGKILLed while green starts and again while waiting for approval: the deploy completes, one new container', async () => {
    // A 3 s health interval keeps the new color "starting" long enough to kill the orchestrator then.
    const slowHealth = { test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'], interval: '3s', timeout: '10s', retries: 3 };
    const handle = await startBlueGreenDeploy(client, config, request('v2', { spec: { image: app('v2'), init: true, network, healthcheck: slowHealth }, approval: { required: true, timeoutMs: 300_000 } }));
    await waitFor(async () => (await colorsOf(service)).some((c) => c.name === `${service}-green` && c.state === 'running'), 90_000, 'new color started');
    expect((await handle.query(statusQuery)).phase).toBe('green-up');
    await restartOrchestrator();

    await waitForPhase(handle, 'awaiting-approval', 180_000);
    await restartOrchestrator();
    expect(await colorsOf(service)).toEqual([
      { name: `${service}-blue`, color: 'blue', image: app('v1'), state: 'running' },
      { name: `${service}-green`, color: 'green', image: app('v2'), state: 'running' },
    ]);

    await answerDeploy(client, service, 'approve', { by: 'alice' });
    const result = await handle.result();
    expect(result).toMatchObject({ liveColor: 'green', image: app('v2'), approval: { outcome: 'approved', by: 'alice' } });
    expect(await colorsOf(service)).toEqual([{ name: `${service}-green`, color: 'green', image: app('v2'), state: 'running' }]);
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
  }, 300_000); // two orchestrator restarts, each bundling the workflows again
});

async function restartOrchestrator(): Promise<void> {
  await workers.orchestrator.crash();
  const replacement = startWorker('orchestrator', ids);
  workers.orchestrator = replacement;
  await replacement.ready;
}
