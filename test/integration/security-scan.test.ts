import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Envelope } from '../../cli/lib/envelope';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createScanActivities } from '../../activities/scan/scan-activities';
import { describeScanSchedule, listScanSchedules, upsertScanSchedule } from '../../client/scan-schedule';
import { startSecurityScan } from '../../client/security-scan';
import type { DockhandConfig } from '../../common/config';
import type { ScanReport } from '../../common/scan/report';
import type { ScanRequest } from '../../common/scan/scan-input';
import type { SecurityScanResult } from '../../common/scan/scan-result';
import { docker } from '../support/docker';
import { sarifValidator } from '../support/sarif';
import { githubSarifProblems } from '../support/github-sarif';
import { launchBrowser } from '../support/browser';
import { startReadScanReport } from '../../client/scan-report';
import { decodeReport } from '../../activities/scan/report/report-transfer';
import { removeLabelled, SCAN_TEST_LABEL, scanFixtures, startContainer } from '../support/scan-fixtures';
import { testClient } from '../support/temporal';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';
import { runCli } from '../support/cli';
import { waitUntil } from '../support/wait';

const ids = testIds('scan');
const network = `dh-scan-${ids.suffix}`;
const fixtures = scanFixtures(ids.suffix, network);
/** A host id no agent serves: the scan must report it and scan the others. */
const downHost = `down-${ids.suffix}`;
let client: Client;
let config: DockhandConfig;
let reportsDir: string;
let workers: WorkerProcess[] = [];
/** The workers' /metrics ports (this suite's own, from the ops range 26000–26999). */
const ORCHESTRATOR_METRICS = '26101';
const AGENT_METRICS = '26102';

const request = (over: Partial<ScanRequest> = {}): ScanRequest => ({
  hosts: [ids.hostId],
  containers: { labels: [`${SCAN_TEST_LABEL}=${ids.suffix}`] },
  ...over,
});
async function scan(over: Partial<ScanRequest> = {}): Promise<{ result: SecurityScanResult; report: ScanReport }> {
  const result = await (await startSecurityScan(client, config, request(over))).result();
  return { result, report: JSON.parse(await readFile(result.files.json, 'utf8')) as ScanReport };
}
const findingsOf = (report: ScanReport, name: string) => report.containers.find((c) => c.name === name)!.findings;

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  reportsDir = await mkdtemp(path.join(os.tmpdir(), 'dockhand-reports-'));
  workers = [
    startWorker('orchestrator', ids, { DOCKHAND_REPORTS_DIR: reportsDir, DOCKHAND_METRICS_PORT: ORCHESTRATOR_METRICS }),
    startWorker('host-agent', ids, { DOCKHAND_METRICS_PORT: AGENT_METRICS }),
  ];
  await docker.createNetwork({ Name: network, Labels: { [SCAN_TEST_LABEL]: ids.suffix } });
  await Promise.all(fixtures.map((f) => startContainer(f.config)));
  await Promise.all(workers.map((w) => w.ready));
  // Wait for what the checks observe: nc listening, /etc written, every container running.
  await waitUntil(async () => {
    const nc = await docker.getContainer(`dh-scan-nc-${ids.suffix}`).top({ ps_args: '-o pid,comm' });
    const etc = ((await docker.getContainer(`dh-scan-etc-${ids.suffix}`).changes()) ?? []) as Array<{ Path: string }>;
    const states = await Promise.all(fixtures.map((f) => docker.getContainer(f.name).inspect()));
    return (
      (nc.Processes ?? []).some((p: string[]) => p[1] === 'nc') &&
      Array.isArray(etc) &&
      etc.some((c) => c.Path === '/etc/motd') &&
      states.every((s) => s.State.Running)
    );
  }, 30_000);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await removeLabelled(ids.suffix);
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
  if (reportsDir) await rm(reportsDir, { recursive: true, force: true });
});

describe('securityScan (real engine, real Temporal)', () => {
  let first: { result: SecurityScanResult; report: ScanReport };

  it('finds exactly the known problems of each fixture, nothing on the hardened one or on a public certificate, and reports a down host', async () => {
    first = await scan({ hosts: [ids.hostId, downHost], hostTimeoutMs: '4s' });
    const { result, report } = first;
    for (const f of fixtures)
      expect({
        name: f.name,
        found: findingsOf(report, f.name)
          .map((x) => x.ruleId)
          .sort(),
      }).toEqual({ name: f.name, found: [...f.expected].sort() });

    expect(findingsOf(report, `dh-scan-key-${ids.suffix}`).map((f) => f.evidence)).toEqual([
      ['/app/server.key: private key (PEM)'],
    ]); // not /app/server.pem, not /etc/ssl/certs/*.pem
    expect(findingsOf(report, `dh-scan-setuid-${ids.suffix}`)[0]!.evidence).toEqual([
      '/usr/local/bin/helper (mode 4755)',
    ]);
    expect(findingsOf(report, `dh-scan-sock-${ids.suffix}`)[0]!.evidence).toEqual([
      '/var/run/docker.sock mounted at /var/run/docker.sock (read-only)',
    ]);
    expect(
      findingsOf(report, `dh-scan-etc-${ids.suffix}`).find((f) => f.ruleId === 'DH-RT-SYSTEM-CHANGE')!.evidence,
    ).toEqual(['added /etc/motd']);
    expect(findingsOf(report, `dh-scan-nc-${ids.suffix}`).find((f) => f.ruleId === 'DH-RT-LISTEN')!.evidence).toEqual([
      'tcp6 :::4444 listening',
    ]);
    expect(findingsOf(report, `dh-scan-public-${ids.suffix}`)[0]!.evidence[0]).toMatch(
      /^8080\/tcp published on 0\.0\.0\.0:\d+$/,
    );
    const hardened = report.containers.find((c) => c.name === `dh-scan-hardened-${ids.suffix}`)!;
    expect(hardened.score).toBe(100);
    expect(hardened.notApplicable.map((n) => n.ruleId)).toEqual(['CIS-5.2', 'CIS-5.3', 'DH-RT-NEW-PROCESS']);

    const total = fixtures.reduce((n, f) => n + f.expected.length, 0);
    expect(result.counts).toEqual({ critical: 2, high: 2, medium: 7, low: 0, info: 0 });
    expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(total);
    expect(result.containers).toEqual({ scanned: fixtures.length, gone: 0, errors: 0 });
    expect(result.hosts).toEqual({ scanned: [ids.hostId], unreachable: [downHost] });
    expect(result.diff).toEqual({ new: total, fixed: 0, stillOpen: 0 });
    expect(report.hosts.find((h) => h.host === downHost)!.error).toMatch(/timeout/i);
    expect(await readFile(result.files.markdown, 'utf8')).toContain(`> **Host ${downHost} was not scanned:**`);
  });

  it('writes SARIF that validates against the official 2.1.0 schema, one result per finding', async () => {
    const sarif = JSON.parse(await readFile(first.result.files.sarif, 'utf8')) as {
      runs: Array<{ results: unknown[] }>;
    };
    expect(sarifValidator()(sarif)).toEqual([]);
    expect(sarif.runs[0]!.results).toHaveLength(Object.values(first.result.counts).reduce((a, b) => a + b, 0));
  });

  it('diffs against the previous report, and catches drift: a root exec session and a process outside the baseline', async () => {
    const again = await scan();
    expect(again.report.diff.new).toEqual([]);
    expect(again.result.diff).toEqual({
      new: 0,
      fixed: 0,
      stillOpen: Object.values(first.result.counts).reduce((a, b) => a + b, 0),
      previousReportId: first.result.reportId,
    });

    const hardened = docker.getContainer(`dh-scan-hardened-${ids.suffix}`);
    // Not --privileged: this sandbox's runtime refuses to start privileged execs (CIS-5.23 on a created
    // privileged session: security-scan-fleet.test.ts).
    const exec = await hardened.exec({ Cmd: ['/bin/sleep', '300'], User: '0' });
    await exec.start({ Detach: true });
    await waitUntil(
      async () =>
        ((await hardened.top({ ps_args: '-o pid,comm,args' })).Processes ?? []).some((p: string[]) =>
          p[2]?.includes('sleep 300'),
        ),
      15_000,
    );

    const drift = await scan({
      containers: { labels: [`${SCAN_TEST_LABEL}=${ids.suffix}`], include: ['dh-scan-hardened-*'] },
    });
    expect(
      findingsOf(drift.report, `dh-scan-hardened-${ids.suffix}`).map((f) => [
        f.ruleId,
        f.evidence.map((e) => e.replace(/\b\d+\b/g, 'N').replace(/exec [0-9a-f]{12}/, 'exec X')),
      ]),
    ).toEqual([
      ['CIS-5.24', ['exec X as N (running): /bin/sleep N']],
      ['DH-RT-NEW-PROCESS', ['process N sleep (user root): /bin/sleep N']],
    ]);
    // Only the hardened container was in scope: the others' findings are not called fixed.
    expect(drift.result.diff).toMatchObject({ new: 2, fixed: 0, stillOpen: 0 });
  });

  it('reports a container that vanished before its scan as gone, not as a failure', async () => {
    const name = `dh-scan-vanish-${ids.suffix}`;
    const c = await startContainer({
      name,
      Image: 'dockhand-fixture-scan:hardened',
      Labels: { [SCAN_TEST_LABEL]: ids.suffix },
    });
    const target = { id: c.id, name, image: 'dockhand-fixture-scan:hardened', state: 'running', labels: {} };
    await c.remove({ force: true });
    const result = await new MockActivityEnvironment().run(createScanActivities(docker).scanContainer, {
      host: ids.hostId,
      target,
      checks: { include: [], exclude: [] },
    });
    expect(result).toMatchObject({ status: 'gone', name, findings: [] });
  });

  it('gates CI: `dockhand scan --fail-on` exits 4 when findings at or above the severity exist, 0 otherwise', async () => {
    const env = { DOCKHAND_HOST_ID: ids.hostId, DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue };
    const label = `${SCAN_TEST_LABEL}=${ids.suffix}`;
    const failing = await runCli(
      ['scan', '--label', label, '--name', `dh-scan-privileged-${ids.suffix}`, '--fail-on', 'critical', '--json'],
      env,
    );
    expect(failing.code).toBe(4);
    const envelope = Envelope.parse(JSON.parse(failing.stdout));
    expect(envelope).toMatchObject({ ok: false, error: { kind: 'findings', exitCode: 4 } });
    if (envelope.ok) throw new Error('expected the findings envelope');
    expect((envelope.error.details as SecurityScanResult).counts.critical).toBe(1);
    const passing = await runCli(
      ['scan', '--label', label, '--name', `dh-scan-public-${ids.suffix}`, '--fail-on', 'high'],
      env,
    );
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('0 critical, 0 high, 1 medium');
  });

  it('writes the report where the CLI runs: SARIF that GitHub accepts, HTML a browser opens with the JSON’s summary', async () => {
    const env = { DOCKHAND_HOST_ID: ids.hostId, DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue };
    const out = await mkdtemp(path.join(os.tmpdir(), 'dh-scan-out-'));
    const scanArgs = ['scan', '--host', ids.hostId, '--label', `${SCAN_TEST_LABEL}=${ids.suffix}`];
    try {
      const sarifRun = await runCli(
        [...scanArgs, '--format', 'sarif', '--output', path.join(out, 'dockhand.sarif'), '--json'],
        env,
      );
      expect(sarifRun.code).toBe(0);
      const sarifEnvelope = Envelope.parse(JSON.parse(sarifRun.stdout));
      if (!sarifEnvelope.ok) throw new Error(`scan failed: ${sarifRun.stdout}`);
      const counts = (sarifEnvelope.result as SecurityScanResult).counts;
      const sarif = JSON.parse(await readFile(path.join(out, 'dockhand.sarif'), 'utf8')) as {
        runs: Array<{ results: unknown[] }>;
      };
      const schemaProblems = sarifValidator()(sarif);
      const githubProblems = githubSarifProblems(sarif);
      console.log(
        `SARIF validation: schema ${schemaProblems.length} problem(s), GitHub rules ${githubProblems.length} problem(s), ${sarif.runs[0]!.results.length} result(s)`,
      );
      expect(schemaProblems).toEqual([]);
      expect(githubProblems).toEqual([]);
      expect(sarif.runs[0]!.results).toHaveLength(Object.values(counts).reduce((a, b) => a + b, 0));

      const htmlRun = await runCli(
        [...scanArgs, '--format', 'html', '--output', path.join(out, 'report.html'), '--json'],
        env,
      );
      expect(htmlRun.code).toBe(0);
      const envelope = Envelope.parse(JSON.parse(htmlRun.stdout));
      if (!envelope.ok) throw new Error(`scan failed: ${htmlRun.stdout}`);
      const result = envelope.result as SecurityScanResult;
      expect(result.report).toMatchObject({ reportId: result.reportId, chunks: 1 });
      expect(result.report!.inline).toBeUndefined(); // the envelope leaves the encoded report out

      // A report too large to ride inline is read chunk by chunk through Temporal: the same report.
      const chunk = await (await startReadScanReport(client, config, { reportId: result.reportId, chunk: 0 })).result();
      expect(decodeReport([chunk]).summary.counts).toEqual(result.counts);

      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
        page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
        await page.goto(`file://${path.join(out, 'report.html')}`, { waitUntil: 'load' });
        const shown = (await page.evaluate(
          `Object.fromEntries([...document.querySelectorAll('[data-summary]')].map((e) => [e.dataset.summary, Number(e.textContent)]))`,
        )) as Record<string, number>;
        expect(shown).toEqual({ score: result.score, ...result.counts, suppressed: result.suppressed });
        await page.select('#f-severity', 'medium');
        const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
        expect(await page.$eval('#shown', (e) => e.textContent)).toBe(`${result.counts.medium} of ${total} shown`);
        expect(await page.$$eval('#trend-chart g[data-report]', (g) => g.length)).toBeGreaterThanOrEqual(2);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('serves /metrics, /healthz and /readyz on each worker; the counters moved with the scans', async () => {
    const get = async (port: string, p: string) => {
      const r = await fetch(`http://127.0.0.1:${port}${p}`);
      return { status: r.status, text: await r.text() };
    };
    for (const port of [ORCHESTRATOR_METRICS, AGENT_METRICS]) {
      expect(await get(port, '/healthz')).toEqual({ status: 200, text: 'ok\n' });
      expect(await get(port, '/readyz')).toEqual({ status: 200, text: 'ready\n' });
    }
    const orchestrator = (await get(ORCHESTRATOR_METRICS, '/metrics')).text;
    const scans = /^dockhand_changes_total\{[^}]*type="securityScan"[^}]*\} (\d+)$/m.exec(orchestrator);
    expect(Number(scans?.[1])).toBeGreaterThanOrEqual(3);
    expect(orchestrator).toMatch(/^dockhand_scan_findings\{[^}]*severity="critical"[^}]*\} \d+$/m);
    expect(orchestrator).toMatch(/^temporal_workflow_completed_total\{/m); // the SDK's own
    const agent = (await get(AGENT_METRICS, '/metrics')).text;
    expect(agent).toMatch(/^temporal_activity_execution_latency_bucket\{[^}]*activity_type="scanContainer"/m);
  });

  it('creates, updates, triggers and pauses a scan schedule (overlap skip, catch-up window)', async () => {
    const scheduleId = `dh-scan-test-${ids.suffix}`;
    try {
      expect(await upsertScanSchedule(client, config, { scheduleId, cron: '0 3 * * *', scan: request() })).toEqual({
        scheduleId,
        created: true,
      });
      expect(
        await upsertScanSchedule(client, config, {
          scheduleId,
          cron: '30 2 * * *',
          catchupWindow: '2h',
          scan: request(),
        }),
      ).toEqual({ scheduleId, created: false });
      const described = await describeScanSchedule(client, scheduleId);
      expect(described.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 2 * 3600_000 });
      expect(described.state.note).toBe('dockhand scan schedule --cron "30 2 * * *"');
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'securityScan',
        taskQueue: ids.orchestratorQueue,
      });

      await client.schedule.getHandle(scheduleId).trigger();
      let workflowId = '';
      await waitUntil(async () => {
        const actions = (await describeScanSchedule(client, scheduleId)).info.recentActions;
        workflowId = actions[0]?.action.workflow.workflowId ?? '';
        return Boolean(workflowId);
      }, 20_000);
      const run = (await client.workflow.getHandle(workflowId).result()) as SecurityScanResult;
      expect(run.containers.scanned).toBe(fixtures.length);

      await client.schedule.getHandle(scheduleId).pause('test');
      expect((await describeScanSchedule(client, scheduleId)).state.paused).toBe(true);
      await waitUntil(
        async () => (await listScanSchedules(client)).some((s) => s.scheduleId === scheduleId && s.paused),
        20_000,
      );
    } finally {
      await client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
    }
  });
});
