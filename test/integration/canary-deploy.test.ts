import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { startCanaryDeploy, type CanaryHandle } from '../../client/canary-deploy';
import { canaryPolicy, CanarySettings, type CanarySettingsInput } from '../../common/canary';
import { canaryStatusQuery, type CanaryPhase } from '../../common/canary-deploy';
import { DeployErrorType } from '../../common/errors';
import { abortUpdate, promoteUpdate } from '../../common/signals';
import { colorsOf, fixtureApp, patientHealthcheck, useBlueGreenWorld, waitFor } from '../support/blue-green';
import { docker } from '../support/docker';
import { startLoad } from '../support/load';
import { clientAs } from '../support/temporal';
import { startWorker } from '../support/workers';
import { freshGet } from '../../client/fresh-get';

// Canaries on the real engine and edge, load sent straight to the edge's address on the service
// network. Lean on purpose: the decisions (when to move on, abort, promote) are the planner's, tested
// by exact equality in test/unit/canary; here the edge splits, logs and is judged for real.
const world = useBlueGreenWorld('canary', { healthTimeoutMs: 30_000, bakeMs: 0 });
const RATE = 50; // requests per second, as the scenario

const body = (v: string) => `<h1>dockhand fixture app ${v}</h1>\n`;
let edgeUrl = '';

function canary(image: string, settings: CanarySettingsInput, env: Record<string, string> = {}): Promise<CanaryHandle> {
  return startCanaryDeploy(world.client, world.config, {
    ...world.request(image),
    spec: { image: fixtureApp(image), init: true, network: world.network, healthcheck: patientHealthcheck, env },
    approval: { required: false, allowSelfApproval: true },
    canary: canaryPolicy(CanarySettings.parse(settings)),
  });
}

async function phase(handle: CanaryHandle, want: CanaryPhase, timeoutMs = 60_000) {
  await waitFor(
    async () => (await handle.query(canaryStatusQuery).catch(() => undefined))?.phase === want,
    timeoutMs,
    `phase ${want}`,
  );
}

async function get(headers: Record<string, string> = {}): Promise<string> {
  const res = await freshGet(`${edgeUrl}/`, 10_000, headers);
  return `${res.status} ${res.body}`;
}

async function failureOf(handle: CanaryHandle): Promise<ApplicationFailure> {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

beforeAll(async () => {
  await (await world.deploy('v1')).result();
  const edge = await docker.getContainer(`${world.service}-edge`).inspect();
  edgeUrl = `http://${edge.NetworkSettings.Networks[world.network]!.IPAddress}`;
}, 120_000);

describe('canaryDeploy', () => {
  it('at weight 0 only testers (X-Canary: always, or the cookie) reach the canary; a manual abort removes it', async () => {
    const handle = await canary('v2', { steps: [{ weight: 0, pause: '1h' }, { weight: 100 }], interval: '1s' });
    await phase(handle, 'analysing');
    const plain = await Promise.all(Array.from({ length: 20 }, () => get()));
    expect(new Set(plain)).toEqual(new Set([`200 ${body('v1')}`]));
    expect(await get({ 'X-Canary': 'always' })).toBe(`200 ${body('v2')}`);
    expect(await get({ Cookie: 'dockhand_canary=always' })).toBe(`200 ${body('v2')}`);

    const verdict = await clientAs(world.client, 'oncall')
      .workflow.getHandle(handle.workflowId)
      .executeUpdate(abortUpdate, { args: [{ comment: 'seen enough' }] });
    expect(verdict).toBe('aborted by oncall');
    const cause = await failureOf(handle);
    expect(cause.type).toBe(DeployErrorType.CanaryAborted);
    expect(cause.message).toBe('canary aborted: aborted by oncall: seen enough');
    expect(await get({ 'X-Canary': 'always' })).toBe(`200 ${body('v1')}`);
    expect((await colorsOf(world.service)).map((c) => c.image)).toEqual([fixtureApp('v1')]);
  }, 120_000);

  it('a canary answering 500 on half its requests, at 10 % of 50 req/s, is aborted as soon as its window has the minimum requests (not at the 30 s interval): weight 0, canary removed, stable served throughout', async () => {
    const load = startLoad(`${edgeUrl}/`, RATE);
    const handle = await canary(
      'erratic',
      { steps: [{ weight: 10, pause: '60s' }, { weight: 100 }], interval: '30s', minRequests: 5 },
      { FAIL_PERCENT: '50' },
    );
    const cause = await failureOf(handle);
    await new Promise((r) => setTimeout(r, 1000)); // a second of load after the abort
    const report = await load.stop();

    expect(cause.type).toBe(DeployErrorType.CanaryAborted);
    expect(cause.message).toMatch(
      /^canary aborted: the canary failed 1 window\(s\) in a row \(0 allowed\): success rate \d+(\.\d)?% is not >= 99%$/,
    );
    const check = cause.details?.[0] as { verdict: string; canary: { requests: number }; stable: { requests: number } };
    expect(check.verdict).toBe('fail');
    expect(check.canary.requests).toBeGreaterThanOrEqual(5);
    const canaryAnswers = report.samples.filter((s) => s.body.includes('erratic'));
    const stableAnswers = report.samples.filter((s) => s.body === body('v1'));
    const other = report.samples.length - canaryAnswers.length - stableAnswers.length;
    console.log(
      `bad canary: ${report.requests} requests, ${canaryAnswers.length} reached the canary (${canaryAnswers.filter((s) => s.status === 500).length} of them 500), ${other} neither; ${check.canary.requests} judged in the failing window`,
    );
    // At 5 req/s to the canary, a judgement at the interval's end would have let ~150 requests reach it;
    // judged once it has 5 (0.8 s), plus the reads and the reload, it gets a few dozen at most.
    expect(canaryAnswers.length).toBeLessThan(50);
    expect(other).toBe(0); // stable never failed, and nothing was lost
    expect(stableAnswers.every((s) => s.status === 200)).toBe(true);
    expect(report.samples.slice(-RATE / 2).every((s) => s.body === body('v1'))).toBe(true);
    expect((await colorsOf(world.service)).map((c) => c.image)).toEqual([fixtureApp('v1')]);
  }, 120_000);

  it('a good canary promotes through every step under load with 0 failed requests; each check is in the result', async () => {
    const load = startLoad(`${edgeUrl}/`, RATE);
    const handle = await canary('v2', {
      steps: [{ weight: 10, pause: '3s' }, { weight: 50, pause: '3s' }, { weight: 100 }],
      interval: '1500ms',
      minRequests: 3,
    });
    const result = await handle.result();
    await new Promise((r) => setTimeout(r, 1000));
    const report = await load.stop();
    console.log(
      `good canary: ${report.requests} requests, ${report.failed} failed, ${result.checks.length} checks, ${result.timings.canaryMs} ms from the first weight to the promotion`,
    );
    expect(result.outcome).toBe('promoted');
    expect(result.why).toBe('every step before 100% passed');
    expect(new Set(result.checks.map((c) => c.weight))).toEqual(new Set([10, 50]));
    expect(result.checks.filter((c) => c.verdict === 'fail')).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.samples.slice(-RATE / 2).every((s) => s.body === body('v2'))).toBe(true);
    expect((await colorsOf(world.service)).map((c) => c.image)).toEqual([fixtureApp('v2')]);
  }, 120_000);

  it('an orchestrator crash mid-canary resumes at the same step and weight; a manual promote sends everything to it', async () => {
    const handle = await canary('v1', { steps: [{ weight: 20, pause: '1h' }, { weight: 100 }], interval: '1s' });
    await phase(handle, 'analysing');
    const before = await handle.query(canaryStatusQuery);
    await world.workers.orchestrator.crash();
    world.workers.orchestrator = startWorker('orchestrator', world.ids);
    await world.workers.orchestrator.ready;
    const checks = before.checks.length;
    await waitFor(
      async () => (await handle.query(canaryStatusQuery)).checks.length > checks + 1,
      30_000,
      'checks go on',
    );
    const after = await handle.query(canaryStatusQuery);
    expect({ step: after.step, weight: after.weight, phase: after.phase }).toEqual({
      step: 0,
      weight: 20,
      phase: 'analysing',
    });
    // What the Web UI shows during an analysis step (docs/workflows/canary-deploy.md quotes it).
    const details = (await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata')).currentDetails;
    console.log(`current details while analysing:\n${details}`);
    expect(details).toContain(`step 1 of 2: 20% of requests to ${world.service}-`);
    expect(details).toContain('judged by success >= 99%, at least 10 canary requests');
    expect(details).toMatch(/- \*\*stable\*\*: \d+ requests, [\d.]+% non-5xx, p50 \d+ms, p99 \d+ms/);
    expect(details).toMatch(/- \*\*canary\*\*: \d+ requests/);
    expect(details).toContain('`dockhand pause|resume|promote|abort <service>`');
    const answers = await Promise.all(Array.from({ length: 50 }, () => get()));
    expect(answers.filter((a) => a === `200 ${body('v1')}`).length).toBe(10); // weighted round robin: 1 in 5

    const verdict = await clientAs(world.client, 'release-manager')
      .workflow.getHandle(handle.workflowId)
      .executeUpdate(promoteUpdate, { args: [{}] });
    expect(verdict).toBe('promoted by release-manager');
    const result = await handle.result();
    expect(result.why).toBe('promoted by release-manager');
    expect(await get()).toBe(`200 ${body('v1')}`);
    expect((await colorsOf(world.service)).map((c) => c.image)).toEqual([fixtureApp('v1')]);
  }, 120_000);
});
