import type { RuleMeta } from '../../../common/scan/finding';
import type { ReportContainer, ScanReport } from '../../../common/scan/report';
import { SARIF_LEVEL, SECURITY_SEVERITY } from '../../../common/scan/severity';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Where a container's findings point in SARIF: a file and line (the service file's entry, when the
 * caller knows it) — GitHub code scanning refuses a whole log whose results lack a physical location. */
export interface SarifLocation {
  uri: string;
  startLine: number;
}
export type SarifLocator = (container: ReportContainer) => SarifLocation | undefined;

/**
 * The documented pseudo-path of a container that no file defines: `dockhand/containers/<host>/<name>`,
 * line 1 (as Trivy points image findings at the image name). GitHub shows such alerts without a code
 * snippet; the path is stable, so alerts keep their identity across scans.
 */
export function containerPseudoPath(c: Pick<ReportContainer, 'host' | 'name'>): SarifLocation {
  return { uri: `dockhand/containers/${encodeURIComponent(c.host)}/${encodeURIComponent(c.name)}`, startLine: 1 };
}

/** The report as a SARIF 2.1.0 log: one run, every rule with its metadata and security-severity,
 * one result per finding with a physical location (see SarifLocator), the container as a logical
 * location and stable partial fingerprints; suppressed findings carry an accepted external
 * suppression with its justification. */
export function toSarif(report: ScanReport, locate: SarifLocator = () => undefined): object {
  const rules = rulesOf(report);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.containers.flatMap((c) => {
    const at = locate(c) ?? containerPseudoPath(c);
    return [...c.findings.map((f) => ({ f, s: undefined })), ...c.suppressed.map((f) => ({ f, s: f.suppression }))].map(
      ({ f, s }) => ({
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
        level: SARIF_LEVEL[f.severity],
        message: { text: `${f.title} in container ${c.name} on ${c.host}: ${f.evidence.join('; ')}` },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: at.uri }, region: { startLine: at.startLine } },
            logicalLocations: [{ name: c.name, fullyQualifiedName: `${c.host}/${c.name}`, kind: 'object' }],
          },
        ],
        // Both stable across scans: GitHub matches alerts by primaryLocationLineHash and would otherwise
        // try to hash the line of a file that, for a pseudo-path, is not in the repository.
        partialFingerprints: { 'dockhandFinding/v1': f.fingerprint, primaryLocationLineHash: `${f.fingerprint}:1` },
        properties: {
          host: c.host,
          container: c.name,
          containerId: c.id,
          image: c.image,
          severity: f.severity,
          evidence: f.evidence,
          remediation: f.remediation,
          // A Trivy finding's package, installed and fixed versions, CVSS and advisory link.
          ...(f.vulnerability ? { vulnerability: f.vulnerability } : {}),
        },
        // The review state goes in the property bag: the 2.1.0 schema named that field `state`, its errata
        // `status`; leaving it out keeps the log valid against both.
        ...(s
          ? {
              suppressions: [
                {
                  kind: 'external',
                  justification: `${s.reason} (until ${s.expires})`,
                  properties: { review: 'accepted', expires: s.expires },
                },
              ],
            }
          : {}),
      }),
    );
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dockhand',
            version: report.tool.version,
            informationUri: 'https://www.cisecurity.org/benchmark/docker',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.title
                .replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))
                .replace(/^./, (ch) => ch.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              help: {
                text: r.remediation,
                markdown: `**Remediation:** ${r.remediation}\n\nData read: ${r.needs.join(', ')}.`,
              },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              properties: {
                'security-severity': SECURITY_SEVERITY[r.severity],
                tags: [
                  'security',
                  'container',
                  ...(r.id.startsWith('CIS-') ? ['cis-docker-benchmark'] : []),
                  ...(r.needs.includes('vulnerabilities') ? ['vulnerability'] : []),
                ],
                precision: 'high',
              },
            })),
          },
        },
        automationDetails: { id: `dockhand/security-scan/${report.reportId}` },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: report.startedAt,
            endTimeUtc: report.finishedAt,
            // What the reader must know about the vulnerability data (unavailable, stale, an image unread).
            ...(report.vulnerabilities?.notices.length
              ? {
                  toolExecutionNotifications: report.vulnerabilities.notices.map((text) => ({
                    level: 'warning',
                    message: { text },
                  })),
                }
              : {}),
          },
        ],
        results,
      },
    ],
  };
}

/** The report's rules, plus a rule for any finding whose check is not among them (findings merged from
 * another scanner), so every result's ruleIndex points at its rule. */
function rulesOf(report: ScanReport): RuleMeta[] {
  const known = new Set(report.rules.map((r) => r.id));
  const extra = new Map<string, RuleMeta>();
  for (const c of report.containers)
    for (const f of [...c.findings, ...c.suppressed])
      if (!known.has(f.ruleId) && !extra.has(f.ruleId))
        extra.set(f.ruleId, {
          id: f.ruleId,
          title: f.title,
          severity: f.severity,
          description: f.title,
          remediation: f.remediation,
          needs: [],
        });
  return [...report.rules, ...extra.values()];
}
