import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../activities/scan/report/build-report';
import { toHtml } from '../../../activities/scan/report/html';
import { toJunit } from '../../../activities/scan/report/junit';
import { toMarkdown } from '../../../activities/scan/report/markdown';
import { renderReport } from '../../../activities/scan/report/render';
import { decodeReport, encodeReport, transferOf } from '../../../activities/scan/report/report-transfer';
import { toSarif } from '../../../activities/scan/report/sarif';
import { diffSboms, sbomFileName, sbomPackages } from '../../../activities/scan/report/sbom';
import {
  vulnerabilityFinding,
  vulnerabilityNotices,
  vulnerabilityRules,
} from '../../../activities/scan/report/vulnerability-findings';
import { failureReason } from '../../../activities/scan/trivy/run-trivy';
import { downloadArgs, trivyDbSource } from '../../../activities/scan/trivy/trivy-db-source';
import { MAX_VULNERABILITIES_PER_IMAGE, vulnerabilitiesOf } from '../../../activities/scan/trivy/trivy-report';
import { scanRequest } from '../../../cli/commands/scan';
import { ScanInput } from '../../../common/scan/scan-input';
import type { ContainerScan, HostScan } from '../../../common/scan/scan-result';
import type { Vulnerability } from '../../../common/scan/vulnerability';
import { REPORT_FORMATS } from '../../../common/scan/report-transfer';
import { sarifValidator } from '../../support/sarif';

const cve: Vulnerability = {
  id: 'CVE-2099-0001',
  pkg: 'dockhand-demo-lib',
  installed: '1.0-1',
  fixed: '1.0-2',
  severity: 'critical',
  cvss: 9.8,
  title: 'heap overflow',
};
const container = (name: string, over: Partial<ContainerScan> = {}): ContainerScan => ({
  host: 'a',
  id: `${name}-id`,
  name,
  image: 'app:1',
  imageId: 'sha256:1',
  status: 'scanned',
  findings: [],
  notApplicable: [],
  processes: [],
  ...over,
});
const hostWith = (
  vulns: Vulnerability[],
  containers = [container('web-1', { service: 'web' }), container('web-2')],
): HostScan => ({
  host: 'a',
  status: 'scanned',
  containers,
  vulnerabilities: {
    status: 'scanned',
    db: { source: 'dir:/db', updatedAt: '2026-11-28T00:00:00.000Z' },
    images: [{ imageId: 'sha256:1', image: 'app:1', status: 'scanned', vulnerabilities: vulns }],
  },
});
const report = (hosts: HostScan[], over: Partial<Parameters<typeof buildReport>[0]> = {}) =>
  buildReport({
    reportId: 'r',
    startedAt: '2026-11-29T03:00:00.000Z',
    finishedAt: '2026-11-29T03:00:05.000Z',
    input: ScanInput.parse({ hosts: ['a'] }),
    hosts,
    rules: vulnerabilityRules(hosts),
    vulnerabilities: ScanInput.parse({}).vulnerabilities,
    ...over,
  });

describe('Trivy output', () => {
  it('keeps one vulnerability per id and package, most severe first, with the highest CVSS and the fix', () => {
    const v = (id: string, Severity: string, pkg = 'p') => ({
      VulnerabilityID: id,
      PkgName: pkg,
      InstalledVersion: '1',
      Severity,
      CVSS: { nvd: { V3Score: 5 }, redhat: { V3Score: 7.5 } },
    });
    const out = vulnerabilitiesOf({
      Results: [
        { Vulnerabilities: [v('CVE-2', 'LOW'), { ...v('CVE-1', 'CRITICAL'), FixedVersion: '2', Title: 't' }] },
        { Vulnerabilities: [v('CVE-1', 'CRITICAL'), v('CVE-3', 'UNKNOWN')] },
      ],
    });
    expect(out).toEqual({
      truncated: 0,
      vulnerabilities: [
        { id: 'CVE-1', pkg: 'p', installed: '1', fixed: '2', severity: 'critical', cvss: 7.5, title: 't' },
        { id: 'CVE-2', pkg: 'p', installed: '1', severity: 'low', cvss: 7.5, title: 'CVE-2' },
        { id: 'CVE-3', pkg: 'p', installed: '1', severity: 'info', cvss: 7.5, title: 'CVE-3' },
      ],
    });
  });

  it('caps the list per image and counts the rest', () => {
    const many = Array.from({ length: MAX_VULNERABILITIES_PER_IMAGE + 3 }, (_, i) => ({
      VulnerabilityID: `CVE-${i}`,
      PkgName: 'p',
      InstalledVersion: '1',
    }));
    const out = vulnerabilitiesOf({ Results: [{ Vulnerabilities: many }] });
    expect([out.vulnerabilities.length, out.truncated]).toEqual([MAX_VULNERABILITIES_PER_IMAGE, 3]);
  });

  it('says why a run failed in one line: the fatal message, a timeout, too much output', () => {
    const run = { code: 1, stdout: '', timedOut: false, overflow: false };
    expect(
      failureReason(
        {
          ...run,
          stderr:
            '2026-12-02T10:00:00Z\tINFO\tstarting\n2026-12-02T10:00:01Z\tFATAL\tFatal error\tinit error: DB error\n',
        },
        1000,
      ),
    ).toBe('trivy exited 1: Fatal error init error: DB error');
    expect(failureReason({ ...run, code: null, stderr: '', timedOut: true }, 300_000)).toBe(
      'trivy did not finish within 300 s',
    );
    expect(failureReason({ ...run, stderr: '', overflow: true }, 1000)).toMatch(/more than 64 MiB/);
  });

  it('fetches the database per source: none for a directory, another repository for oci:', () => {
    expect(downloadArgs(trivyDbSource('dir:/srv/trivy', undefined))).toBeUndefined();
    expect(downloadArgs(trivyDbSource('oci:10.0.0.1:5000/trivy-db:2', '/c'))).toEqual([
      'image',
      '--download-db-only',
      '--cache-dir',
      '/c',
      '--quiet',
      '--skip-version-check',
      '--db-repository',
      '10.0.0.1:5000/trivy-db:2',
    ]);
  });
});

describe('vulnerabilities in the report', () => {
  it('become findings on every container running the image, with the fix, CVSS and the command that ships it', () => {
    const r = report([hostWith([cve])]);
    expect(r.containers.map((c) => c.findings.map((f) => [f.ruleId, f.severity, f.evidence, f.remediation]))).toEqual([
      [
        [
          'CVE-2099-0001',
          'critical',
          ['dockhand-demo-lib 1.0-1'],
          'rebuild app:1 with dockhand-demo-lib ≥ 1.0-2, then redeploy',
        ],
      ],
      [
        [
          'CVE-2099-0001',
          'critical',
          ['dockhand-demo-lib 1.0-1'],
          'rebuild app:1 with dockhand-demo-lib ≥ 1.0-2, then redeploy',
        ],
      ],
    ]);
    expect(r.containers[0]!.findings[0]!.vulnerability).toEqual({
      image: 'app:1',
      package: 'dockhand-demo-lib',
      installed: '1.0-1',
      fixed: '1.0-2',
      cvss: 9.8,
    });
    expect(r.summary.counts.critical).toBe(2);
    expect(r.remediation).toEqual([
      {
        host: 'a',
        container: 'web-1',
        ruleId: 'CVE-2099-0001',
        package: 'dockhand-demo-lib',
        fixed: '1.0-2',
        command: 'dockhand deploy web --image app:1 --host a',
      },
      {
        host: 'a',
        container: 'web-2',
        ruleId: 'CVE-2099-0001',
        package: 'dockhand-demo-lib',
        fixed: '1.0-2',
        command: 'docker build --pull -t app:1 <its build context> && recreate the container from app:1',
      },
    ]);
    expect(validateSarif(toSarif(r))).toEqual([]);
    expect(toMarkdown(r)).toContain('`dockhand deploy web --image app:1 --host a`');
  });

  it('keeps the same fingerprint when the database re-scores a CVE, and is fixed when the package is updated', () => {
    const first = report([hostWith([cve])]);
    const rescored = report([hostWith([{ ...cve, cvss: 7.1, title: 'new title' }])], { previous: first });
    expect(rescored.diff.stillOpen.map((d) => d.ruleId)).toEqual(['CVE-2099-0001', 'CVE-2099-0001']);
    const updated = report([hostWith([])], { previous: rescored });
    expect([updated.diff.fixed.length, updated.diff.new.length]).toEqual([2, 0]);
  });

  it('obeys suppressions by CVE id until they expire', () => {
    const suppressions = [
      { ruleId: 'CVE-2099-0001', container: 'web-2', reason: 'not reachable', expires: '2026-12-01' },
    ];
    const r = (finishedAt: string) =>
      report([hostWith([cve])], { finishedAt, input: ScanInput.parse({ hosts: ['a'], suppressions }) });
    const before = r('2026-11-30T00:00:00.000Z');
    expect(before.containers.map((c) => [c.findings.length, c.suppressed.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(r('2026-12-02T00:00:00.000Z').containers.map((c) => c.findings.length)).toEqual([1, 1]);
  });

  it('says when the data is unavailable (with the reason) or older than the allowed age', () => {
    const down: HostScan = {
      host: 'b',
      status: 'scanned',
      containers: [],
      vulnerabilities: { status: 'unavailable', reason: 'no vulnerability database at /x/db/trivy.db', images: [] },
    };
    const old = hostWith([cve]);
    old.vulnerabilities!.db!.updatedAt = '2026-11-01T00:00:00.000Z';
    expect(vulnerabilityNotices([old, down], { maxDbAgeDays: 7 }, new Date('2026-11-29T03:00:00Z'))).toEqual([
      'vulnerability data on a is 28 days old (built 2026-11-01, dir:/db; more than 7)',
      'vulnerability data unavailable on b: no vulnerability database at /x/db/trivy.db',
    ]);
    expect(vulnerabilityNotices([hostWith([cve])], { maxDbAgeDays: 7 }, new Date('2026-11-29T03:00:00Z'))).toEqual([]);
    const r = report([down]);
    expect(r.vulnerabilities!.hosts).toEqual([
      { host: 'b', status: 'unavailable', reason: 'no vulnerability database at /x/db/trivy.db', images: [] },
    ]);
    expect(toMarkdown(r)).toContain(
      '> **Note:** vulnerability data unavailable on b: no vulnerability database at /x/db/trivy.db',
    );
  });

  it('flow through the report that travels to the CLI and every format it renders there', () => {
    const down: HostScan = {
      host: 'b',
      status: 'scanned',
      containers: [container('db', { host: 'b', image: 'db:1', imageId: 'sha256:2' })],
      vulnerabilities: { status: 'unavailable', reason: 'no vulnerability database at /x/db/trivy.db', images: [] },
    };
    const built = report([hostWith([cve]), down]);
    const json = `${JSON.stringify(built, null, 2)}\n`;
    const r = decodeReport([transferOf(built.reportId, json, encodeReport(json)).inline!]);
    expect(r).toEqual(built);
    const notice = 'vulnerability data unavailable on b: no vulnerability database at /x/db/trivy.db';

    const sarif = toSarif(r) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; properties: { tags: string[] } }> } };
        invocations: Array<{ toolExecutionNotifications?: Array<{ level: string; message: { text: string } }> }>;
        results: Array<{ ruleId: string; properties: { vulnerability?: object } }>;
      }>;
    };
    expect(validateSarif(sarif)).toEqual([]);
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.find((x) => x.id === cve.id)!.properties.tags).toContain('vulnerability');
    expect(run.results.filter((x) => x.ruleId === cve.id).map((x) => x.properties.vulnerability)).toEqual([
      r.containers[0]!.findings[0]!.vulnerability,
      r.containers[1]!.findings[0]!.vulnerability,
    ]);
    expect(run.invocations[0]!.toolExecutionNotifications).toEqual([{ level: 'warning', message: { text: notice } }]);

    // A CVE is a failed case where its image runs, and no case at all on a container of another image.
    const junit = toJunit(r);
    expect(
      junit.match(/<testcase classname="a\/web-1" name="CVE-2099-0001[^>]*><failure type="critical"/g),
    ).toHaveLength(1);
    expect(junit).not.toContain('classname="b/db" name="CVE-2099-0001');

    const page = toHtml(r);
    expect(page).toContain('<code>CVE-2099-0001</code> CVE-2099-0001 in dockhand-demo-lib: heap overflow');
    expect(page).toContain(`<strong>Note:</strong> ${notice}`);
    expect(page).toContain('<code>dockhand deploy web --image app:1 --host a</code>');
    expect(page).toContain('a: app:1 (1); database dir:/db');

    for (const format of REPORT_FORMATS) expect(renderReport(r, format)).toContain('CVE-2099-0001');
  });

  it('a finding without a published fix says so and asks for no rebuild', () => {
    const { fixed: _fixed, ...open } = cve;
    expect(vulnerabilityFinding({ ...open, url: 'https://avd.example/CVE-2099-0001' }, 'app:1').remediation).toBe(
      'no fixed version of dockhand-demo-lib is published yet: watch https://avd.example/CVE-2099-0001, or remove dockhand-demo-lib from app:1',
    );
  });
});

describe('SBOMs', () => {
  it('lists packages by purl and diffs them against the previous SBOM of the same image name', () => {
    const pk = sbomPackages({
      components: [{ purl: 'pkg:deb/debian/b@2' }, { name: 'a', version: '1' }, { purl: 'pkg:deb/debian/b@2' }, {}],
    });
    expect(pk).toEqual(['a@1', 'pkg:deb/debian/b@2']);
    const file = sbomFileName('registry:5000/app:1', 'sha256:0123456789abcdef');
    expect(file).toBe('sbom/registry_5000_app_1-0123456789ab.cdx.json');
    const now = [{ image: 'app:1', imageId: 'sha256:2', file, packages: ['a@1', 'c@1'] }];
    expect(diffSboms(now, undefined)).toEqual(now);
    expect(diffSboms(now, [{ image: 'app:1', imageId: 'sha256:1', file, packages: pk }])).toEqual([
      { ...now[0], previousImageId: 'sha256:1', added: ['c@1'], removed: ['pkg:deb/debian/b@2'] },
    ]);
  });

  it('`dockhand scan --sbom --max-db-age 3` asks for SBOMs and a 3-day limit', () => {
    expect(scanRequest({ sbom: true, maxDbAge: 3 }, {}).vulnerabilities).toEqual({ sbom: true, maxDbAgeDays: 3 });
    expect(scanRequest({}, {}).vulnerabilities).toBeUndefined();
  });
});

const validateSarif = sarifValidator();
