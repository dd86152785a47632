import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetBlueGreenDeploy } from '../../client/fleet-blue-green';
import { startFleetCanaryDeploy, type FleetCanaryHandle } from '../../client/fleet-canary';
import { testHostsDown, testHostsUp, type TestHosts } from '../../cli/lib/test-hosts';
import { canaryPolicy, CanarySettings, type CanarySettingsInput } from '../../common/canary';
import type { DockhandConfig } from '../../common/config';
import { DeployErrorType } from '../../common/errors';
import { patientHealthcheck } from '../support/blue-green';
import { startLoad, type LoadReport } from '../support/load';
import { testClient } from '../support/temporal';
import { queryMetadata } from '../support/ui-metadata';
import { waitFor } from '../support/wait';
import { ownTestHosts } from '../support/test-hosts';
import { startWorker, testIds } from '../support/workers';
import { freshGet } from '../../client/fresh-get';

// A canary on every host of a service: two real Docker hosts (engines in network namespaces of their
// own, an agent each) and the registry, under this file's own names ("fc", blocks 150–152, registry
// port 22150). Load through every host's edge; the edges split, log and are judged for real. The
// per-host verdict and pooling are test/unit/canary/canary-pool.test.ts.
const ids = testIds('fcy');
const NAME = 'fc';
const EDGE_PORT = 22190;
const RATE = 25; // requests per second through each edge
const options = ownTestHosts(ids, {
  name: NAME,
  count: 2,
  firstBlock: 151,
  registryBlock: 150,
  registryPort: 22150,
  images: ['dockhand-fixture-app:v1', 'dockhand-fixture-app:v2', 'dockhand-fixture-app:erratic', 'dockhand-edge:1'],
});
const service = `fcy-${ids.suffix}`;
let up: TestHosts;
let client: Client;
let config: DockhandConfig;
let orchestrator: ReturnType<typeof startWorker>;

const hostIds = () => up.hosts.map((h) => h.hostId);
const image = (name: string) => `${up.registry}/dockhand-fixture-app:${name}`;
const edgeUrl = (h: TestHosts['hosts'][number], path = '/') => `http://${h.engine.address}:${EDGE_PORT}${path}`;
const common = () => ({
  service,
  hosts: hostIds(),
  appPort: 8080,
  approval: { required: false, allowSelfApproval: true },
  bakeMs: 0,
  verifyPath: '/health',
  edge: { image: `${up.registry}/dockhand-edge:1`, port: EDGE_PORT, hostIp: '0.0.0.0' },
});
const spec = (version: string, env: Record<string, string> = {}) => ({
  image: image(version),
  init: true,
  healthcheck: patientHealthcheck,
  env,
});

function canary(version: string, settings: CanarySettingsInput, env: Record<string, string> = {}) {
  return startFleetCanaryDeploy(client, config, {
    ...common(),
    spec: spec(version, env),
    canary: canaryPolicy(CanarySettings.parse(settings)),
  });
}

async function failureOf(handle: FleetCanaryHandle): Promise<ApplicationFailure> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return (err as WorkflowFailedError).cause as ApplicationFailure;
}

/** Load through every host's edge while `body` runs, and a second after it. */
async function underLoad(body: () => Promise<void>): Promise<LoadReport[]> {
  const loads = up.hosts.map((h) => startLoad(edgeUrl(h), RATE));
  try {
    await body();
  } finally {
    await new Promise((r) => setTimeout(r, 1000));
  }
  return Promise.all(loads.map((l) => l.stop()));
}

/** What each host's edge answers on /version, and the service's containers on each engine. */
async function fleetState() {
  return Promise.all(
    up.hosts.map(async (h) => {
      const res = await freshGet(edgeUrl(h, '/version'), 10_000);
      const names = await h.engine.docker([
        'ps',
        '-a',
        '--filter',
        `label=dockhand.service=${service}`,
        '--format',
        '{{.Names}}',
      ]);
      return { version: res.body.trim(), containers: names.trim().split('\n').sort() };
    }),
  );
}

const body = (v: string) => `<h1>dockhand fixture app ${v}</h1>\n`;

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  orchestrator = startWorker('orchestrator', ids);
  [up] = await Promise.all([testHostsUp(options), orchestrator.ready]);
  const first = await startFleetBlueGreenDeploy(client, config, { ...common(), spec: spec('v1') });
  await first.result();
}, 400_000);

afterAll(async () => {
  await orchestrator?.stop();
  await testHostsDown(options);
}, 120_000);

describe('fleetCanaryDeploy on two real hosts', () => {
  it('a canary answering 500 on every request, at 10 % on every edge, is aborted on every host: weight 0 and the canary removed everywhere, stable served throughout', async () => {
    const stable = await fleetState();
    let cause: ApplicationFailure | undefined;
    const reports = await underLoad(async () => {
      const handle = await canary(
        'erratic',
        { steps: [{ weight: 10, pause: '60s' }, { weight: 100 }], interval: '30s', minRequests: 5 },
        { FAIL_PERCENT: '100' },
      );
      cause = await failureOf(handle);
    });
    expect(cause?.type).toBe(DeployErrorType.CanaryAborted);
    expect(cause?.message).toMatch(/^canary aborted: the canary failed 1 window\(s\) in a row \(0 allowed\): host /);
    const check = cause!.details?.[0] as { verdict: string; hosts: Array<{ host: string; verdict: string }> };
    expect(check.verdict).toBe('fail');
    expect(check.hosts.some((h) => h.verdict === 'fail')).toBe(true);
    for (const [i, r] of reports.entries()) {
      const canaryAnswers = r.samples.filter((s) => s.body.includes('erratic'));
      const stableAnswers = r.samples.filter((s) => s.body === body('v1'));
      console.log(`host ${i + 1}: ${r.requests} requests, ${canaryAnswers.length} reached the canary`);
      const answered = new Set([...canaryAnswers, ...stableAnswers]);
      const lost = r.samples
        .filter((s) => !answered.has(s))
        .map((s) => `${s.status} ${s.error ?? s.body.slice(0, 60)}`);
      if (lost.length) console.log(`host ${i + 1} lost ${lost.length}: ${[...new Set(lost)].join(' | ')}`);
      expect(r.samples.length).toBe(canaryAnswers.length + stableAnswers.length); // nothing lost
      expect(stableAnswers.every((s) => s.status === 200)).toBe(true);
      expect(r.samples.slice(-RATE / 2).every((s) => s.body === body('v1'))).toBe(true);
    }
    expect(await fleetState()).toEqual(stable); // every edge on v1, no canary left on any host
  }, 300_000);

  it('a good canary promotes through every step on every host under load: 0 failed requests, every host on v2, each check judged per host', async () => {
    let result: Awaited<ReturnType<FleetCanaryHandle['result']>> | undefined;
    const reports = await underLoad(async () => {
      const handle = await canary('v2', {
        steps: [{ weight: 10, pause: '3s' }, { weight: 50, pause: '3s' }, { weight: 100 }],
        interval: '1500ms',
        minRequests: 3,
      });
      // What the Web UI shows while a window runs: a line per host (docs/workflows/canary-deploy.md).
      const details = await waitFor(
        async () => {
          const d = (await queryMetadata(handle)).currentDetails ?? '';
          if (/^\*\*Phase `(done|failed)`/.test(d)) throw new Error(`ended before a check was shown:\n${d}`);
          return d.startsWith('**Phase `analysing`**') && d.includes('The canary on each host:') && d;
        },
        240_000, // the canaries boot first (pull, health) on both hosts
        'per-host lines in the current details',
        500,
      );
      console.log(`current details while analysing:\n${details}`);
      for (const h of hostIds())
        expect(details).toMatch(
          new RegExp(`^- \\*\\*${h}\\*\\*: \\d+ requests, [\\d.]+% non-5xx, p99 \\d+ms — (pass|inconclusive)$`, 'm'),
        );
      result = await handle.result();
    });
    console.log(
      `good fleet canary: ${reports.map((r) => `${r.failed}/${r.requests}`).join(', ')} failed, ${result!.checks.length} checks, ${result!.timings.canaryMs} ms from the first weight to the promotion`,
    );
    expect(result!.why).toBe('every step before 100% passed');
    expect(new Set(result!.checks.map((c) => c.weight))).toEqual(new Set([10, 50]));
    expect(result!.checks.filter((c) => c.verdict === 'fail')).toEqual([]);
    for (const c of result!.checks) expect(c.hosts!.map((h) => h.host).sort()).toEqual([...hostIds()].sort());
    expect(reports.map((r) => r.failed)).toEqual([0, 0]);
    for (const r of reports) expect(r.samples.slice(-RATE / 2).every((s) => s.body === body('v2'))).toBe(true);
    const states = await fleetState();
    expect(states.map((s) => s.version)).toEqual(['v2', 'v2']);
    expect(states.map((s) => s.containers.length)).toEqual([2, 2]); // the edge and the promoted canary
  }, 300_000);
});
