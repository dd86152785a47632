import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { startBlueGreenDeploy } from '../../client/blue-green';
import { statusQuery, type BlueGreenRequest } from '../../common/blue-green';
import type { DockhandConfig } from '../../common/config';
import { colorsOf, patientHealthcheck, waitFor } from '../support/blue-green';
import { removeNetwork, removeService } from '../support/docker';
import { startLoad } from '../support/load';
import { testClient } from '../support/temporal';
import { startWorkers, testIds } from '../support/workers';

const ids = testIds('bgz');
const service = `bgz-${ids.suffix}`;
const network = `dh-bgz-${ids.suffix}`;
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

describe('blueGreenDeploy under load', () => {
  it('zero downtime: ≥ 2,000 requests through the edge during a whole v1 → v2 deploy, all 2xx, v1 then v2 (one flip)', async () => {
    const RATE = 100; // requests per second, steady
    const load = startLoad(`http://127.0.0.1:${edgePort}/version`, RATE, 'v2');
    await waitFor(async () => load.count() >= RATE, 10_000, 'load running'); // a second of v1 before the deploy starts
    const deployStarted = Date.now();
    const handle = await startBlueGreenDeploy(client, config, request('v2'));
    const result = await handle.result();
    const deployMs = Date.now() - deployStarted;
    await waitFor(async () => load.count() >= 2000, 60_000, '2,000 requests'); // and v2 keeps answering after blue is gone
    const report = await load.stop();
    const switchMs = report.firstSwitchedAt! - Date.parse(result.timings.greenHealthyAt);
    // nginx's graceful reload: between the switch starting and the edge confirming green, old and new
    // workers both accept for a moment, so there either color may answer. Outside that window the
    // answers must be v1, then v2 — one flip, never back.
    const [from, to] = [Date.parse(result.timings.switchStartedAt), Date.parse(result.timings.switchedAt)];
    const versionsSent = (keep: (t: number) => boolean) => [...new Set(report.samples.filter((s) => keep(s.sentAt)).map((s) => s.body))];
    const inWindow = report.samples.filter((s) => s.sentAt >= from && s.sentAt <= to);
    console.log(
      `zero-downtime: ${report.requests} requests, ${report.failed} failed, max latency ${report.maxLatencyMs} ms, deploy ${deployMs} ms; ` +
        `first v2 answer ${switchMs} ms after green was healthy; switch window ${to - from} ms with ${inWindow.length} requests ` +
        `(${inWindow.filter((s) => s.body === 'v1\n').length} v1, ${inWindow.filter((s) => s.body === 'v2\n').length} v2); send-order sequence ${JSON.stringify(report.sequence)}`,
    );
    if (report.failed > 0) {
      const { phases } = await handle.query(statusQuery);
      console.log('phases (ms after start):', phases.map((p) => `${p.phase}@${Date.parse(p.at) - deployStarted}`).join(' '));
      console.log('failures (sent ms after start + latency):', report.samples.filter((s) => s.status !== 200).map((s) => `${s.status || s.error}@${s.sentAt - deployStarted}+${s.doneAt - s.sentAt}`).join(' '));
    }
    expect(report.requests).toBeGreaterThanOrEqual(2000);
    expect(report.samples.filter((s) => s.status < 200 || s.status >= 300).slice(0, 5)).toEqual([]);
    expect(report.failed).toBe(0);
    expect(versionsSent((t) => t < from)).toEqual(['v1\n']);
    expect(versionsSent((t) => t > to)).toEqual(['v2\n']);
    expect(inWindow.filter((s) => !['v1\n', 'v2\n'].includes(s.body))).toEqual([]);
    expect(await colorsOf(service)).toEqual([{ name: `${service}-green`, color: 'green', image: app('v2'), state: 'running' }]);
  }, 240_000);
});
