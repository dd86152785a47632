import type { ScanReport } from '../../../common/scan/report';
import { SARIF_LEVEL, SECURITY_SEVERITY } from '../../../common/scan/severity';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The report as a SARIF 2.1.0 log: one run, every rule with its metadata and security-severity,
 * one result per finding with the container as a logical location and a stable partial fingerprint;
 * suppressed findings carry an accepted external suppression with its justification. */
export function toSarif(report: ScanReport): object {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const results = report.containers.flatMap((c) =>
    [...c.findings.map((f) => ({ f, s: undefined })), ...c.suppressed.map((f) => ({ f, s: f.suppression }))].map(
      ({ f, s }) => ({
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
        level: SARIF_LEVEL[f.severity],
        message: { text: `${f.title} in container ${c.name} on ${c.host}: ${f.evidence.join('; ')}` },
        locations: [
          { logicalLocations: [{ name: c.name, fullyQualifiedName: `${c.host}/${c.name}`, kind: 'object' }] },
        ],
        partialFingerprints: { 'dockhandFinding/v1': f.fingerprint },
        properties: {
          host: c.host,
          container: c.name,
          containerId: c.id,
          image: c.image,
          severity: f.severity,
          evidence: f.evidence,
          remediation: f.remediation,
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
    ),
  );
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
            rules: report.rules.map((r) => ({
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
                tags: ['security', 'container', ...(r.id.startsWith('CIS-') ? ['cis-docker-benchmark'] : [])],
                precision: 'high',
              },
            })),
          },
        },
        automationDetails: { id: `dockhand/security-scan/${report.reportId}` },
        invocations: [{ executionSuccessful: true, startTimeUtc: report.startedAt, endTimeUtc: report.finishedAt }],
        results,
      },
    ],
  };
}
