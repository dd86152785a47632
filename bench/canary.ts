import { answerDeploy } from '../client/answer';
import { startBlueGreenDeploy } from '../client/blue-green';
import { startCanaryDeploy } from '../client/canary-deploy';
import { runStack } from '../cli/lib/processes';
import type { BlueGreenRequest } from '../common/blue-green';
import { statusQuery } from '../common/blue-green';
import { canaryPolicy, CanarySettings, type CanarySettingsInput } from '../common/canary';
import { docker, removeNetwork, removeService } from '../test/support/docker';
import { startLoad } from '../test/support/load';
import { clientAs, testClient } from '../test/support/temporal';
import { startWorkers, testIds } from '../test/support/workers';
import { formatTimeline, historyTimeline } from './lib/history-timeline';

const RATE = 50; // requests per second through the edge, as the scenario
const BAD_STEP_MS = 60_000; // the bad canary's step: what a fixed schedule would hold it at 10 % for
const ROLLBACKS = 5; // in-window blue-green rollbacks measured (p95 of these)
const app = (v: string) => `dockhand-fixture-app:${v}`;
const body = (v: string) => `<h1>dockhand fixture app ${v}</h1>\n`;

/**
 * Progressive delivery on the real engine and edge, load sent to the edge's address on the service
 * network (no docker-proxy in between):
 * - bad_abort_s: a canary answering 500 to every request, at 10 % of 50 req/s, checks every 3 s (a
 *   failing window is judged as soon as it holds the minimum requests, not at the tick) — from its first
 *   request to its last one (weight 0: every request after it went to stable);
 *   exposed_pct, as the lead decided for the goal ("far less than the weight × time a fixed
 *   schedule would expose"): its requests against all requests of the step's 60 s pause, what a fixed
 *   schedule would have held it for; exposed_share_of_abort_window_pct, the literal share: its requests
 *   against all requests sent from its first request to its last (~10 % at a 10 % split by construction);
 * - good_promote_s: a good canary 10 → 50 → 100 % with 20 s pauses — its first weight to the promotion
 *   (goal ≤ 1.2 × the 40 s of pauses), good_ratio that over the pauses;
 * - rollback_p95_s: blue-green v1 → v2, then inside the bake window the rollback answer (what
 *   `dockhand rollback` sends) — from the call to the first request after which every answer is v1;
 * - failed_stable: requests stable answered other than 200 (or not at all) over the whole run.
 */
export async function main(): Promise<void> {
  await runStack('up');
  const ids = testIds('canary-bench');
  const { client, config } = await testClient(ids);
  const workers = await startWorkers(ids);
  const service = `canary-bench-${ids.suffix}`;
  const network = `${service}-net`;
  const request = (image: string, extra: Partial<BlueGreenRequest> = {}): BlueGreenRequest => ({
    service,
    host: ids.hostId,
    spec: { image: app(image), init: true, network },
    appPort: 8080,
    approval: { required: false, allowSelfApproval: true },
    bakeMs: 0,
    healthTimeoutMs: 60_000,
    ...extra,
  });
  const canary = (image: string, settings: CanarySettingsInput, env: Record<string, string> = {}) =>
    startCanaryDeploy(client, config, {
      ...request(image),
      spec: { image: app(image), init: true, network, env },
      canary: canaryPolicy(CanarySettings.parse(settings)),
    });
  try {
    console.log(`[bench] ${service}: first deploy (v1)`);
    await (await startBlueGreenDeploy(client, config, request('v1'))).result();
    const edge = await docker.getContainer(`${service}-edge`).inspect();
    const url = `http://${edge.NetworkSettings.Networks[network]!.IPAddress}/`;
    const load = startLoad(url, RATE);

    console.log(`[bench] bad canary: 100 % 5xx at 10 % of ${RATE} req/s, checks every 3 s`);
    const bad = await canary(
      'erratic',
      { steps: [{ weight: 10, pause: BAD_STEP_MS }, { weight: 100 }], interval: '3s', minRequests: 5 },
      { FAIL_PERCENT: '100' },
    );
    await bad
      .result()
      .catch((e: Error) =>
        console.log(`[bench] bad canary ended: ${(e.cause as Error | undefined)?.message ?? e.message}`),
      );
    const firstBad = await until(() => load.samples().find((s) => s.body.includes('erratic')));
    await until(() => Date.now() >= firstBad.sentAt + BAD_STEP_MS || undefined, BAD_STEP_MS + 10_000);
    const inStep = load
      .samples()
      .filter((s) => s.sentAt >= firstBad.sentAt && s.sentAt < firstBad.sentAt + BAD_STEP_MS);
    const hits = inStep.filter((s) => s.body.includes('erratic'));
    const lastBad = hits.reduce((a, s) => (s.seq > a.seq ? s : a), firstBad);
    const badAbortS = (lastBad.sentAt - firstBad.sentAt) / 1000;
    const inAbort = inStep.filter((s) => s.seq >= firstBad.seq && s.seq <= lastBad.seq);
    console.log(
      `[bench] bad canary: ${hits.length} of ${inAbort.length} requests from its first to its last (${badAbortS} s), ${hits.length} of ${inStep.length} in the ${BAD_STEP_MS / 1000} s step`,
    );
    const abortSteps = historyTimeline((await bad.fetchHistory()).events ?? [], firstBad.sentAt);
    console.log(
      `[bench] bad canary, from its first request: ${formatTimeline(abortSteps, firstBad.sentAt, /configureEdgeColors completed/)}; last request to it +${badAbortS}`,
    );

    console.log('[bench] good canary: 10 → 50 → 100 % with 20 s pauses, checks every 5 s');
    const good = await (
      await canary('v2', {
        steps: [{ weight: 10, pause: '20s' }, { weight: 50, pause: '20s' }, { weight: 100 }],
        interval: '5s',
        minRequests: 5,
      })
    ).result();
    const goodS = good.timings.canaryMs / 1000;
    console.log(`[bench] good canary promoted after ${goodS} s (${good.checks.length} checks)`);

    const rollbacks: number[] = [];
    const from = 'v2'; // the rollback goes back to it every time
    for (let i = 0; i < ROLLBACKS; i++) {
      const to = 'v1';
      const mark = load.sent();
      const handle = await startBlueGreenDeploy(client, config, request(to, { bakeMs: 120_000 }));
      await until(
        async () => (await handle.query(statusQuery).catch(() => undefined))?.phase === 'baking' || undefined,
      );
      await until(() => load.samples().some((s) => s.seq > load.sent() - RATE && s.body === body(to)) || undefined);
      const asked = Date.now();
      await answerDeploy(clientAs(client, 'bench-oncall'), service, 'rollback', { comment: 'bench' }, ids.hostId);
      const answered = Date.now();
      // Settled: 5 s have passed and a request sent after the last one on the new version reached the old one
      // (under load the switch back can take longer than 5 s; measuring before it would find no such request).
      const settled = () => {
        const after = load.samples().filter((s) => s.seq >= mark);
        const lastNew = after.filter((s) => s.body === body(to)).reduce((a, s) => (s.seq > a.seq ? s : a));
        const back = after.filter((s) => s.seq > lastNew.seq && s.body === body(from));
        return back.length ? back.reduce((a, s) => (s.seq < a.seq ? s : a)) : undefined;
      };
      await until(() => (Date.now() > asked + 5000 ? settled() : undefined));
      const back = settled()!;
      rollbacks.push((back.sentAt - asked) / 1000);
      await handle.result().catch(() => undefined);
      const steps = historyTimeline((await handle.fetchHistory()).events ?? [], asked);
      console.log(
        `[bench] rollback ${i + 1}: every request on ${from} ${rollbacks.at(-1)} s after the answer was sent — ` +
          `${formatTimeline(steps, asked, /switchEdgeColor completed/)}; the answer returned +${((answered - asked) / 1000).toFixed(2)}`,
      );
    }
    const report = await load.stop();
    const stableFailed = report.samples.filter((s) => s.status !== 200 && !s.body.includes('erratic')).length;
    const sorted = [...rollbacks].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
    console.log(
      JSON.stringify({
        bad_abort_s: Number(badAbortS.toFixed(2)),
        exposed_pct: Number(((100 * hits.length) / inStep.length).toFixed(2)),
        exposed_share_of_abort_window_pct: Number(((100 * hits.length) / inAbort.length).toFixed(2)),
        good_promote_s: Number(goodS.toFixed(2)),
        good_ratio: Number((goodS / 40).toFixed(2)),
        rollback_p95_s: Number(p95.toFixed(2)),
        failed_stable: stableFailed,
      }),
    );
  } finally {
    await workers.stop();
    await removeService(service);
    await removeNetwork(network);
  }
}

async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('bench: a condition was not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
