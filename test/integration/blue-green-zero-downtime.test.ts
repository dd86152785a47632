import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { answerDeploy } from '../../client/answer';
import { startBlueGreenDeploy } from '../../client/blue-green';
import { statusQuery, type BlueGreenRequest } from '../../common/blue-green';
import type { DockhandConfig } from '../../common/config';
import { DeployErrorType } from '../../common/errors';
import { colorsOf, patientHealthcheck, waitFor, waitForPhase } from '../support/blue-green';
import { docker, removeNetwork, removeService } from '../support/docker';
import { startLoad } from '../support/load';
import { clientAs, testClient } from '../support/temporal';
import { startWorkers, testIds } from '../support/workers';

const ids = testIds('bgz');
const service = `bgz-${ids.suffix}`;
const network = `dh-bgz-${ids.suffix}`;
let client: Client;
let config: DockhandConfig;
let workers: Awaited<ReturnType<typeof startWorkers>>;

const app = (v: string) => `dockhand-fixture-app:${v}`;
function request(version: string, extra: Partial<BlueGreenRequest> = {}): BlueGreenRequest {
  return {
    service,
    host: ids.hostId,
    spec: { image: app(version), init: true, network, healthcheck: patientHealthcheck },
    appPort: 8080,
    approval: { required: false },
    healthTimeoutMs: 30_000,
    bakeMs: 1000,
    ...extra,
  };
}

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  workers = await startWorkers(ids);
  await (await startBlueGreenDeploy(client, config, request('v1'))).result();
});
afterAll(async () => {
  await workers?.stop();
  await removeService(service);
  await removeNetwork(network);
});

describe('blueGreenDeploy under load', () => {
  it('zero downtime: ≥ 2,000 requests during a whole v1 → v2 deploy, all 2xx, and in send order the answering version flips v1 → v2 exactly once', async () => {
    // Why the order of sending is the right order, and why "exactly once" is exact, not hopeful:
    // nginx decides the color per request (it stats the marker file when it has read the request),
    // and the switch is that file appearing — one instant S. So, in the order nginx evaluates
    // requests, the answers are v1…v1 v2…v2 by construction. The test sees that order if nothing
    // between its sends and nginx's evaluation reorders requests: it sends from one thread, each
    // request on its own connection, straight to the edge's address on the service network (no
    // docker-proxy — a concurrent userland relay that may dial two simultaneous connections in either
    // order), and the edge runs one nginx worker that accepts and reads connections first in, first
    // out. A request still in flight at S may answer after a later-sent one has answered; that does
    // not break send order. Ties in the millisecond clock are broken by each request's `seq`.
    const RATE = 150; // requests per second, steady; with the bake below, well over 2,000 within the deploy
    const edgeIp = (await docker.getContainer(`${service}-edge`).inspect()).NetworkSettings.Networks[network]!
      .IPAddress;
    const load = startLoad(`http://${edgeIp}/version`, RATE, 'v2');
    await waitFor(async () => load.count() >= RATE, 10_000, 'load running'); // a second of v1 before the deploy starts
    const deployStarted = Date.now();
    const firstSeq = load.sent();
    const handle = await startBlueGreenDeploy(client, config, request('v2', { bakeMs: 15_000 }));
    const result = await handle.result();
    const deployMs = Date.now() - deployStarted;
    const lastSeq = load.sent();
    const doneCount = load.count();
    await waitFor(async () => load.count() >= doneCount + RATE, 10_000, 'a second of v2 after blue is gone');
    const report = await load.stop();

    const ok = report.samples.filter((s) => s.status >= 200 && s.status < 300);
    const lastV1 = ok.filter((s) => s.body === 'v1\n').at(-1)!;
    const firstV2 = ok.find((s) => s.body === 'v2\n')!;
    const during = report.samples.filter((s) => s.seq >= firstSeq && s.seq < lastSeq).length;
    const inFlightAtSwitch = report.samples.filter(
      (s) => s.sentAt <= firstV2.sentAt && s.doneAt >= firstV2.sentAt,
    ).length;
    console.log(
      `zero-downtime: ${report.requests} requests (${during} sent during the ${deployMs} ms deploy), ${report.failed} failed, max latency ${report.maxLatencyMs} ms; ` +
        `switch between request #${lastV1.seq} (last v1, sent ${lastV1.sentAt - deployStarted} ms after the deploy started) and #${firstV2.seq} (first v2, sent ${firstV2.sentAt - deployStarted} ms), ` +
        `${inFlightAtSwitch} in flight then; first v2 ${firstV2.sentAt - Date.parse(result.timings.greenHealthyAt)} ms after green was healthy, ` +
        `${firstV2.sentAt - Date.parse(result.timings.switchStartedAt)} ms after the switch started; send-order sequence ${JSON.stringify(report.sequence)}`,
    );
    if (report.failed > 0) {
      const { phases } = await handle.query(statusQuery);
      console.log(
        'phases (ms after start):',
        phases.map((p) => `${p.phase}@${Date.parse(p.at) - deployStarted}`).join(' '),
      );
      console.log(
        'failures (sent ms after start + latency):',
        report.samples
          .filter((s) => s.status !== 200)
          .map((s) => `${s.status || s.error}@${s.sentAt - deployStarted}+${s.doneAt - s.sentAt}`)
          .join(' '),
      );
    }
    expect(during).toBeGreaterThanOrEqual(2000);
    expect(report.samples.filter((s) => s.status < 200 || s.status >= 300).slice(0, 5)).toEqual([]);
    expect(report.failed).toBe(0);
    // Exactly one transition in send order: every request before the first v2 answered v1, every one from it on v2.
    expect(report.sequence).toEqual(['v1\n', 'v2\n']);
    expect(lastV1.seq).toBe(firstV2.seq - 1);
    expect(firstV2.sentAt).toBeGreaterThanOrEqual(Date.parse(result.timings.switchStartedAt));
    expect(lastV1.sentAt).toBeLessThanOrEqual(Date.parse(result.timings.switchedAt));
    expect(await colorsOf(service)).toEqual([
      { name: `${service}-green`, color: 'green', image: app('v2'), state: 'running' },
    ]);
  }, 240_000);

  // The "blue-green rollback inside the bake window under load: 0 failed requests". The other
  // version goes live beside the one that serves (v2 after the test above), and inside the bake window
  // `rollback` (what `dockhand rollback` sends) flips the edge back — the same marker-file switch, in
  // reverse, so in send order the answers are old…new…old with exactly one flip each way and nothing failed.
  it('rollback inside the bake window under load: 0 failed requests, in send order old → new → old exactly once each, the old color back alone', async () => {
    const RATE = 100;
    const [live] = await colorsOf(service);
    const [from, to] = live!.image === app('v2') ? ['v2', 'v1'] : ['v1', 'v2'];
    const edgeIp = (await docker.getContainer(`${service}-edge`).inspect()).NetworkSettings.Networks[network]!
      .IPAddress;
    const load = startLoad(`http://${edgeIp}/version`, RATE);
    await waitFor(async () => load.count() >= RATE / 2, 10_000, 'load running');
    const handle = await startBlueGreenDeploy(client, config, request(to, { bakeMs: 120_000 }));
    await waitForPhase(handle, 'baking', 180_000); // a saturated shared machine takes its time
    await waitFor(async () => load.samples().some((s) => s.body === `${to}\n`), 10_000, `${to} answering`);
    const asked = Date.now();
    await answerDeploy(clientAs(client, 'oncall'), service, 'rollback', { comment: 'error rate' });
    const ended = await handle.result().then(
      () => undefined,
      (e: WorkflowFailedError) => e,
    );
    const doneCount = load.count();
    await waitFor(
      async () => load.count() >= doneCount + RATE / 2,
      10_000,
      `half a second of ${from} after the rollback`,
    );
    const report = await load.stop();

    const ok = report.samples.filter((s) => s.status >= 200 && s.status < 300);
    const backAt = ok.filter((s) => s.body === `${to}\n`).at(-1)!.sentAt;
    console.log(
      `rollback under load: ${report.requests} requests, ${report.failed} failed, max latency ${report.maxLatencyMs} ms; ` +
        `last ${to} request sent ${backAt - asked} ms after the rollback answer was sent; sequence ${JSON.stringify(report.sequence)}`,
    );
    expect(ended).toBeInstanceOf(WorkflowFailedError);
    expect((ended!.cause as ApplicationFailure).type).toBe(DeployErrorType.RolledBack);
    expect(report.samples.filter((s) => s.status < 200 || s.status >= 300).slice(0, 5)).toEqual([]);
    expect(report.sequence).toEqual([`${from}\n`, `${to}\n`, `${from}\n`]);
    expect(await colorsOf(service)).toEqual([{ ...live, state: 'running' }]);
  }, 360_000);
});
