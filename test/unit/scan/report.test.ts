import { describe, expect, it } from 'vitest';
import { buildReport, containerScore, diffReports } from '../../../activities/scan/report/build-report';
import { toMarkdown } from '../../../activities/scan/report/markdown';
import { nextBaseline } from '../../../activities/scan/report/report-activities';
import { toSarif } from '../../../activities/scan/report/sarif';
import { RULES, ruleMeta } from '../../../activities/scan/rules';
import type { ContainerScan, HostScan } from '../../../common/scan/scan-result';
import { ScanInput } from '../../../common/scan/scan-input';
import { selectContainers } from '../../../common/scan/selection';
import { sarifValidator } from '../../support/sarif';

const validateSarif = sarifValidator();

const input = ScanInput.parse({
  hosts: ['a', 'down'],
  suppressions: [
    {
      ruleId: 'CIS-5.13',
      container: 'web-*',
      reason: 'writes its cache to /var/cache; ticket SEC-12',
      expires: '2099-01-01',
    },
    { ruleId: 'CIS-5.11', reason: 'expired acceptance', expires: '2020-01-01' },
  ],
});
const rules = RULES.map(ruleMeta);
const finding = (ruleId: string, evidence: string[]) => {
  const r = RULES.find((x) => x.id === ruleId)!;
  return { ruleId, title: r.title, severity: r.severity, evidence, remediation: r.remediation };
};
const container = (name: string, over: Partial<ContainerScan> = {}): ContainerScan => ({
  host: 'a',
  id: `${name}-id`,
  name,
  image: 'img:1',
  imageId: 'sha256:1',
  status: 'scanned',
  findings: [],
  notApplicable: [],
  processes: ['busybox'],
  ...over,
});
const hosts = (containers: ContainerScan[]): HostScan[] => [
  { host: 'a', status: 'scanned', containers },
  { host: 'down', status: 'unreachable', error: 'activity ScheduleToClose timeout', containers: [] },
];
const base = { startedAt: '2026-11-29T03:00:00.000Z', finishedAt: '2026-11-29T03:00:05.000Z', input, rules };

describe('scan reports', () => {
  const first = buildReport({
    ...base,
    reportId: 'r1',
    hosts: hosts([
      container('web-1', {
        findings: [
          finding('CIS-5.5', ['HostConfig.Privileged=true']),
          finding('CIS-5.13', ['HostConfig.ReadonlyRootfs=false']),
          finding('CIS-5.11', ['HostConfig.Memory=0 (unlimited)']),
        ],
      }),
      container('db', { findings: [finding('DH-FS-PRIVATE-KEY', ['/app/server.key: private key (PEM)'])] }),
      container('tmp', { status: 'gone', error: 'container tmp-id is gone', processes: [] }),
    ]),
  });

  it('counts by severity, applies live suppressions only, scores containers and the run', () => {
    expect(first.summary).toEqual({
      score: 81, // mean of web-1 (100 - 25 - 4) and db (100 - 10)
      counts: { critical: 1, high: 1, medium: 1, low: 0, info: 0 },
      suppressed: 1,
      containers: { scanned: 2, gone: 1, errors: 0 },
      hosts: { scanned: ['a'], unreachable: ['down'] },
    });
    const web = first.containers.find((c) => c.name === 'web-1')!;
    expect(web.findings.map((f) => f.ruleId)).toEqual(['CIS-5.5', 'CIS-5.11']);
    expect(web.suppressed.map((f) => [f.ruleId, f.suppression])).toEqual([
      ['CIS-5.13', { reason: 'writes its cache to /var/cache; ticket SEC-12', expires: '2099-01-01' }],
    ]);
    expect(web.score).toBe(100 - 25 - 4);
    expect(containerScore([])).toBe(100);
    expect(first.diff).toEqual({ new: expect.any(Array), fixed: [], stillOpen: [] });
    expect(first.diff.new.map((e) => `${e.container}:${e.ruleId}`)).toEqual([
      'db:DH-FS-PRIVATE-KEY',
      'web-1:CIS-5.11',
      'web-1:CIS-5.5',
    ]);
  });

  it('diffs against the previous report: new, fixed, still open — never "fixed" for what was not looked at', () => {
    const second = buildReport({
      ...base,
      reportId: 'r2',
      previous: first,
      hosts: hosts([
        container('web-1', {
          findings: [
            finding('CIS-5.5', ['HostConfig.Privileged=true']),
            finding('CIS-5.32', ['/var/run/docker.sock mounted at /var/run/docker.sock']),
          ],
        }),
        container('db', { status: 'error', error: 'timeout', processes: [] }),
      ]),
    });
    const fmt = (l: typeof second.diff.new) => l.map((e) => `${e.container}:${e.ruleId}`);
    expect(second.diff.previousReportId).toBe('r1');
    expect(fmt(second.diff.new)).toEqual(['web-1:CIS-5.32']);
    expect(fmt(second.diff.fixed)).toEqual(['web-1:CIS-5.11']);
    expect(fmt(second.diff.stillOpen)).toEqual(['web-1:CIS-5.5']);
    expect(diffReports(second, second).stillOpen).toHaveLength(2);
  });

  it('writes SARIF 2.1.0 that the official schema accepts, with rule metadata, levels and security-severity', () => {
    const sarif = toSarif(first) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; properties: Record<string, unknown> }> } };
        results: Array<{ ruleId: string; level: string; suppressions?: unknown[]; ruleIndex: number }>;
      }>;
    };
    expect(validateSarif(sarif)).toEqual([]);
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules).toHaveLength(RULES.length);
    expect(run.tool.driver.rules.find((r) => r.id === 'CIS-5.5')!.properties['security-severity']).toBe('9.5');
    expect(run.results.map((r) => [r.ruleId, r.level, Boolean(r.suppressions)])).toEqual([
      ['CIS-5.5', 'error', false],
      ['CIS-5.11', 'warning', false],
      ['CIS-5.13', 'warning', true],
      ['DH-FS-PRIVATE-KEY', 'error', false],
    ]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
  });

  it('the schema check is real: a malformed log is rejected', () => {
    expect(validateSarif({ version: '2.1.0', runs: [{ results: [] }] })).not.toEqual([]);
  });

  it('renders a Markdown summary with counts, diff, unreachable hosts and findings', () => {
    const md = toMarkdown(first);
    expect(md).toContain('# Dockhand security scan r1');
    expect(md).toContain('| 1 | 1 | 1 | 0 | 0 | 1 |');
    expect(md).toContain('> **Host down was not scanned:** activity ScheduleToClose timeout');
    expect(md).toContain('| critical | CIS-5.5 | Privileged container | HostConfig.Privileged=true |');
    expect(md).toContain('## a/tmp — gone');
    expect(md).toContain('Since no previous report: 3 new, 0 fixed, 0 still open.');
  });

  it('records a baseline once per container and image', () => {
    const b1 = nextBaseline(
      {},
      hosts([container('web-1'), container('gone', { status: 'gone', processes: [] })]),
      't1',
    );
    expect(b1).toEqual({ 'a/web-1': { imageId: 'sha256:1', processes: ['busybox'], recordedAt: 't1' } });
    expect(nextBaseline(b1, hosts([container('web-1', { processes: ['busybox', 'nc'] })]), 't2')).toEqual(b1);
    expect(
      nextBaseline(b1, hosts([container('web-1', { imageId: 'sha256:2', processes: ['nginx'] })]), 't3')['a/web-1'],
    ).toEqual({ imageId: 'sha256:2', processes: ['nginx'], recordedAt: 't3' });
  });

  it('selects containers by name, include and exclude globs', () => {
    const t = (name: string) => ({ id: name, name, image: 'i', state: 'running', labels: {} });
    const all = [t('web-2'), t('web-1'), t('db'), t('web-canary')];
    expect(
      selectContainers(all, {
        labels: [],
        names: [],
        include: ['web-*'],
        exclude: ['*-canary'],
        includeStopped: false,
      }).map((c) => c.name),
    ).toEqual(['web-1', 'web-2']);
    expect(
      selectContainers(all, { labels: [], names: ['db'], include: [], exclude: [], includeStopped: false }).map(
        (c) => c.name,
      ),
    ).toEqual(['db']);
  });

  it('refuses bad input naming the field', () => {
    const r = ScanInput.safeParse({
      hosts: ['a', 'not a host'],
      suppressions: [{ ruleId: 'CIS-5.5', reason: 'x', expires: 'soon' }],
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual([
      'hosts.1',
      'suppressions.0.reason',
      'suppressions.0.expires',
    ]);
    expect(ScanInput.parse({}).hosts).toEqual([]); // none given: every host in the registry
  });
});
