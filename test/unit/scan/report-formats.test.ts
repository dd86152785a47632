import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../activities/scan/report/build-report';
import { chart, html, toHtml } from '../../../activities/scan/report/html';
import { toJunit, xml } from '../../../activities/scan/report/junit';
import { renderReport } from '../../../activities/scan/report/render';
import { chunkOf, decodeReport, encodeReport, transferOf } from '../../../activities/scan/report/report-transfer';
import { containerPseudoPath, toSarif } from '../../../activities/scan/report/sarif';
import { RULES, ruleMeta } from '../../../activities/scan/rules';
import { ScanInput } from '../../../common/scan/scan-input';
import { REPORT_FORMATS } from '../../../common/scan/report-transfer';
import type { ContainerScan } from '../../../common/scan/scan-result';
import { githubSarifProblems } from '../../support/github-sarif';
import { sarifValidator } from '../../support/sarif';

const validateSarif = sarifValidator();
const input = ScanInput.parse({
  hosts: ['a', 'down'],
  suppressions: [{ ruleId: 'CIS-5.13', container: 'web-*', reason: 'cache <dir>; SEC-12', expires: '2099-01-01' }],
});
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
  processes: [],
  ...over,
});
// A finding another scanner merged (no rule of Dockhand's): renderers stay generic over findings.
const foreign = {
  ruleId: 'CVE-2026-0001',
  title: 'openssl: <script>alert(1)</script>',
  severity: 'high' as const,
  evidence: ['libssl3 3.0.1 → 3.0.9'],
  remediation: 'upgrade libssl3',
};
const previous = buildReport({
  reportId: 'r0',
  startedAt: '2026-11-28T03:00:00.000Z',
  finishedAt: '2026-11-28T03:00:05.000Z',
  input,
  rules: RULES.map(ruleMeta),
  hosts: [
    {
      host: 'a',
      status: 'scanned',
      containers: [container('db', { findings: [finding('CIS-5.11', ['HostConfig.Memory=0 (unlimited)'])] })],
    },
  ],
});
const report = {
  ...buildReport({
    reportId: 'r1',
    startedAt: '2026-11-29T03:00:00.000Z',
    finishedAt: '2026-11-29T03:00:05.000Z',
    input,
    rules: RULES.map(ruleMeta),
    previous,
    hosts: [
      {
        host: 'a',
        status: 'scanned',
        containers: [
          container('web-1', {
            findings: [
              finding('CIS-5.5', ['HostConfig.Privileged=true']),
              finding('CIS-5.13', ['HostConfig.ReadonlyRootfs=false']),
              foreign,
            ],
            notApplicable: [{ ruleId: 'DH-RT-LISTEN', reason: 'agent does not share the host PID namespace' }],
          }),
          container('db'),
          container('tmp', { status: 'error', error: 'timeout\u0007' }),
        ],
      },
      { host: 'down', status: 'unreachable', error: 'activity ScheduleToClose timeout', containers: [] },
    ],
  }),
  trend: [
    {
      reportId: 'r0',
      finishedAt: '2026-11-28T03:00:05.000Z',
      score: 96,
      counts: { critical: 0, high: 0, medium: 1, low: 0, info: 0 },
    },
    {
      reportId: 'r1',
      finishedAt: '2026-11-29T03:00:05.000Z',
      score: 65,
      counts: { critical: 1, high: 1, medium: 0, low: 0, info: 0 },
    },
  ],
};

describe('SARIF for GitHub code scanning', () => {
  const sarif = toSarif(report) as {
    runs: Array<{
      tool: { driver: { rules: Array<{ id: string }> } };
      results: Array<{
        ruleId: string;
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
        partialFingerprints: Record<string, string>;
      }>;
    }>;
  };

  it('passes the SARIF 2.1.0 schema and GitHub’s upload rules', () => {
    expect(validateSarif(sarif)).toEqual([]);
    expect(githubSarifProblems(sarif)).toEqual([]);
  });

  it('gives every result a physical location: the pseudo-path of its container, or the file a locator names', () => {
    const run = sarif.runs[0]!;
    expect(run.results.map((r) => r.locations[0]!.physicalLocation)).toEqual(
      run.results.map(() => ({ artifactLocation: { uri: 'dockhand/containers/a/web-1' }, region: { startLine: 1 } })),
    );
    expect(containerPseudoPath({ host: 'vm 1', name: 'a/b' }).uri).toBe('dockhand/containers/vm%201/a%2Fb');
    const located = toSarif(report, (c) =>
      c.name === 'web-1' ? { uri: 'dockhand.yml', startLine: 12 } : undefined,
    ) as typeof sarif;
    expect(located.runs[0]!.results[0]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'dockhand.yml' },
      region: { startLine: 12 },
    });
    expect(githubSarifProblems(located)).toEqual([]);
  });

  it('keeps fingerprints stable across scans and gives a merged finding its own rule', () => {
    const again = toSarif({ ...report, reportId: 'r2' }) as typeof sarif;
    expect(again.runs[0]!.results.map((r) => r.partialFingerprints)).toEqual(
      sarif.runs[0]!.results.map((r) => r.partialFingerprints),
    );
    expect(sarif.runs[0]!.tool.driver.rules.map((r) => r.id)).toContain('CVE-2026-0001');
  });

  it('the GitHub check is real: a result without a physical location is refused, as GitHub refuses it', () => {
    const logical = JSON.parse(JSON.stringify(sarif)) as typeof sarif;
    for (const r of logical.runs[0]!.results)
      (r as { locations: unknown[] }).locations = [{ logicalLocations: [{ name: 'x' }] }];
    expect(githubSarifProblems(logical)[0]).toMatch(/expected artifact location/);
  });
});

describe('JUnit', () => {
  const junit = toJunit(report);
  it('has one test case per check × container: findings fail, suppressed and not-applicable skip, failures error', () => {
    const web = junit.split('\n').filter((l) => l.includes('classname="a/web-1"'));
    expect(web).toHaveLength(RULES.length + 1); // every rule plus the merged CVE
    expect(junit).toContain(
      '<testcase classname="a/web-1" name="CIS-5.5 Privileged container"><failure type="critical" message="critical: Privileged container">evidence: HostConfig.Privileged=true',
    );
    expect(junit).toContain('<skipped message="suppressed until 2099-01-01: cache &lt;dir&gt;; SEC-12"/>');
    expect(junit).toContain('<skipped message="not applicable: agent does not share the host PID namespace"/>');
    expect(junit).toContain('name="CVE-2026-0001 openssl: &lt;script&gt;alert(1)&lt;/script&gt;"><failure type="high"');
    expect(junit).toContain('<testsuite name="a/tmp" tests="1" failures="0" errors="1" skipped="0">');
    expect(junit).toContain('<error message="timeout"/>'); // the control character is dropped, not sent to the parser
    expect(junit).toContain('<testsuite name="down" tests="1" failures="0" errors="1" skipped="0">');
    expect(junit).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="dockhand security scan r1" tests="\d+" failures="2" errors="2" skipped="2"/,
    );
  });
  it('escapes XML', () => {
    expect(xml(`a<b>&"c'\u0000`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});

describe('HTML report', () => {
  const page = toHtml(report);
  it('is self-contained: no external reference, a CSP that forbids loading any', () => {
    expect(page).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`,
    );
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
  it('shows the summary by severity, the hosts, new/fixed, the trend and escaped findings', () => {
    expect(page).toContain('<span class="n" data-summary="critical">1</span>');
    expect(page).toContain('<span class="n" data-summary="high">1</span>');
    expect(page).toContain('<span data-diff="new">2</span> new, <span data-diff="fixed">1</span> fixed');
    expect(page).toContain('not scanned: activity ScheduleToClose timeout');
    expect(page).toContain('openssl: &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('<g data-report="r0">');
    expect(page).toContain('<g data-report="r1">');
    expect(page).toContain('2 of 2 shown');
  });
  it('draws one stacked bar per scan, its total on top', () => {
    const svg = chart(report.trend);
    expect(svg.match(/<g data-report=/g)).toHaveLength(2);
    expect(svg).toMatch(/<g data-report="r1">.*>2<\/text><\/g>/);
  });
  it('escapes HTML', () => {
    expect(html(`<a href="x">'&`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
  });
});

describe('reports that travel to the CLI', () => {
  it('rides inline when small, in chunks under the payload limit when not, and comes back whole', () => {
    const json = `${JSON.stringify(report)}\n`;
    const encoded = encodeReport(json);
    const small = transferOf('r1', json, encoded);
    expect(small).toMatchObject({ reportId: 'r1', encoding: 'gzip+base64', chunks: 1, bytes: Buffer.byteLength(json) });
    expect(decodeReport([small.inline!])).toEqual(report);
    const cut = transferOf('r1', json, encoded, 100);
    expect(cut.inline).toBeUndefined();
    expect(cut.chunks).toBe(Math.ceil(encoded.length / 100));
    const chunks = Array.from({ length: cut.chunks }, (_, i) => chunkOf(encoded, i, 100));
    expect(chunks.every((c) => c.length <= 100)).toBe(true);
    expect(decodeReport(chunks)).toEqual(report);
    expect(() => chunkOf(encoded, cut.chunks, 100)).toThrow(
      `chunk: ${cut.chunks} is not one of the report's ${cut.chunks} chunk(s)`,
    );
  });
  it('renders every format', () => {
    for (const f of REPORT_FORMATS) expect(renderReport(report, f).length).toBeGreaterThan(100);
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(report);
  });
});
