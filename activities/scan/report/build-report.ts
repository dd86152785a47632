import type { RuleMeta } from '../../../common/scan/finding';
import type {
  DiffEntry,
  ReportContainer,
  ReportDiff,
  ReportFinding,
  ScanReport,
  SuppressedFinding,
} from '../../../common/scan/report';
import type { ScanInput, Suppression } from '../../../common/scan/scan-input';
import type { HostScan } from '../../../common/scan/scan-result';
import { globMatch } from '../../../common/scan/glob';
import { SCORE_PENALTY, zeroCounts } from '../../../common/scan/severity';
import { fingerprint } from './fingerprint';
import type { VulnerabilityOptions } from '../../../common/scan/vulnerability';
import type { RemediationStep, SbomEntry } from '../../../common/scan/report';
import { dbAgeDays, findingsByImage, remediationCommand, vulnerabilityNotices } from './vulnerability-findings';

const TOOL_VERSION = '0.1.0';

export interface BuildReportInput {
  reportId: string;
  startedAt: string;
  finishedAt: string;
  input: Pick<ScanInput, 'hosts' | 'containers' | 'checks' | 'suppressions'>;
  hosts: HostScan[];
  rules: RuleMeta[];
  previous?: ScanReport;
  /** The scan's vulnerability options (absent: no host ran Trivy). */
  vulnerabilities?: VulnerabilityOptions;
  sboms?: SbomEntry[];
}

/** The active suppression for a finding, if any (expired ones no longer apply). */
function suppressionFor(
  s: Suppression[],
  host: string,
  container: string,
  ruleId: string,
  now: Date,
): Suppression | undefined {
  return s.find(
    (x) =>
      globMatch(x.ruleId, ruleId) &&
      (!x.container || globMatch(x.container, container)) &&
      (!x.host || x.host === host) &&
      Date.parse(x.expires) > now.getTime(),
  );
}

export function containerScore(findings: ReportFinding[]): number {
  return Math.max(0, 100 - findings.reduce((sum, f) => sum + SCORE_PENALTY[f.severity], 0));
}

/** Assembles the JSON report: suppressions applied (as of finishedAt), scores, counts, diff. Pure. */
export function buildReport(b: BuildReportInput): ScanReport {
  const now = new Date(b.finishedAt);
  const containers: ReportContainer[] = b.hosts.flatMap((h) => {
    const vulns = findingsByImage(h);
    return h.containers.map((c) => {
      const findings: ReportFinding[] = [];
      const suppressed: SuppressedFinding[] = [];
      const all = c.status === 'scanned' ? [...c.findings, ...(vulns.get(c.imageId) ?? [])] : c.findings;
      for (const f of all) {
        const rf = { ...f, fingerprint: fingerprint(c.host, c.name, f) };
        const s = suppressionFor(b.input.suppressions, c.host, c.name, f.ruleId, now);
        if (s) suppressed.push({ ...rf, suppression: { reason: s.reason, expires: s.expires } });
        else findings.push(rf);
      }
      return {
        host: c.host,
        id: c.id,
        name: c.name,
        image: c.image,
        imageId: c.imageId,
        ...(c.service ? { service: c.service } : {}),
        status: c.status,
        ...(c.error ? { error: c.error } : {}),
        score: containerScore(findings),
        findings,
        suppressed,
        notApplicable: c.notApplicable,
      };
    });
  });
  const counts = zeroCounts();
  for (const c of containers) for (const f of c.findings) counts[f.severity]++;
  const scanned = containers.filter((c) => c.status === 'scanned');
  const score = scanned.length ? Math.round(scanned.reduce((s, c) => s + c.score, 0) / scanned.length) : 100;
  const report: ScanReport = {
    reportId: b.reportId,
    tool: { name: 'dockhand', version: TOOL_VERSION },
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
    input: b.input,
    summary: {
      score,
      counts,
      suppressed: containers.reduce((n, c) => n + c.suppressed.length, 0),
      containers: {
        scanned: scanned.length,
        gone: containers.filter((c) => c.status === 'gone').length,
        errors: containers.filter((c) => c.status === 'error').length,
      },
      hosts: {
        scanned: b.hosts.filter((h) => h.status === 'scanned').map((h) => h.host),
        unreachable: b.hosts.filter((h) => h.status === 'unreachable').map((h) => h.host),
      },
    },
    hosts: b.hosts.map((h) => ({ host: h.host, status: h.status, ...(h.error ? { error: h.error } : {}) })),
    containers,
    rules: b.rules,
    diff: { new: [], fixed: [], stillOpen: [] },
  };
  report.diff = diffReports(b.previous, report);
  if (b.vulnerabilities) {
    report.vulnerabilities = vulnerabilitySummary(b.hosts, b.vulnerabilities, now);
    report.remediation = remediationSteps(containers);
  }
  if (b.sboms) report.sboms = b.sboms;
  return report;
}

function vulnerabilitySummary(
  hosts: HostScan[],
  o: VulnerabilityOptions,
  now: Date,
): NonNullable<ScanReport['vulnerabilities']> {
  return {
    maxDbAgeDays: o.maxDbAgeDays,
    hosts: hosts.flatMap((h) => {
      const v = h.vulnerabilities;
      if (!v) return [];
      const age = dbAgeDays(v.db?.updatedAt, now);
      return [
        {
          host: h.host,
          status: v.status,
          ...(v.reason ? { reason: v.reason } : {}),
          ...(v.db ? { db: { ...v.db, ...(age !== undefined ? { ageDays: age } : {}) } } : {}),
          ...(v.trivyVersion ? { trivyVersion: v.trivyVersion } : {}),
          images: v.images.map((i) => ({
            image: i.image,
            imageId: i.imageId,
            status: i.status,
            ...(i.error ? { error: i.error } : {}),
            vulnerabilities: i.vulnerabilities.length,
          })),
        },
      ];
    }),
    notices: vulnerabilityNotices(hosts, o, now),
  };
}

/** The remediation hook's list: each open critical vulnerability that has a fixed version. */
function remediationSteps(containers: ReportContainer[]): RemediationStep[] {
  return containers.flatMap((c) =>
    c.findings
      .filter((f) => f.severity === 'critical' && f.vulnerability?.fixed)
      .map((f) => ({
        host: c.host,
        container: c.name,
        ruleId: f.ruleId,
        package: f.vulnerability!.package,
        fixed: f.vulnerability!.fixed!,
        command: remediationCommand(c),
      })),
  );
}

function entries(report: ScanReport): Map<string, DiffEntry> {
  const out = new Map<string, DiffEntry>();
  for (const c of report.containers)
    for (const f of c.findings)
      out.set(f.fingerprint, { fingerprint: f.fingerprint, host: c.host, container: c.name, ruleId: f.ruleId });
  return out;
}

/** New / fixed / still open against the previous report. Fixed means the container was scanned this
 * time without the finding (or is gone); a container outside this scan's selection, on a host that was
 * unreachable, or whose scan failed was not looked at, so its findings are not called fixed. */
export function diffReports(previous: ScanReport | undefined, current: ScanReport): ReportDiff {
  const now = entries(current);
  const before = previous ? entries(previous) : new Map<string, DiffEntry>();
  const lookedAt = (e: DiffEntry) =>
    current.containers.some(
      (c) => c.host === e.host && c.name === e.container && (c.status === 'scanned' || c.status === 'gone'),
    );
  const byKey = (a: DiffEntry, b: DiffEntry) =>
    `${a.host}/${a.container}/${a.ruleId}`.localeCompare(`${b.host}/${b.container}/${b.ruleId}`);
  return {
    ...(previous ? { previousReportId: previous.reportId } : {}),
    new: [...now.values()].filter((e) => !before.has(e.fingerprint)).sort(byKey),
    fixed: [...before.values()].filter((e) => !now.has(e.fingerprint) && lookedAt(e)).sort(byKey),
    stillOpen: [...now.values()].filter((e) => before.has(e.fingerprint)).sort(byKey),
  };
}
