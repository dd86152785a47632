import type { ScanReport } from '../../../common/scan/report';
import type { NewSeriousFinding } from '../../../common/scan/scan-result';

/** How many of them the scan's result names (the report has them all). */
export const MAX_NEW_SERIOUS_SHOWN = 20;

/**
 * The findings this scan found that the last one did not, of severity critical or high and not
 * suppressed — what a scheduled scan tells people of. Critical first, then by host, container, rule. Pure.
 */
export function newSeriousFindings(report: ScanReport): NewSeriousFinding[] {
  const fresh = new Set(report.diff.new.map((e) => e.fingerprint));
  const rank = { critical: 0, high: 1 } as Record<string, number>;
  return report.containers
    .flatMap((c) =>
      c.findings
        .filter((f) => fresh.has(f.fingerprint) && rank[f.severity] !== undefined)
        .map((f) => ({
          host: c.host,
          container: c.name,
          ruleId: f.ruleId,
          severity: f.severity as NewSeriousFinding['severity'],
          title: f.title,
        })),
    )
    .sort(
      (a, b) =>
        rank[a.severity]! - rank[b.severity]! ||
        `${a.host}/${a.container}/${a.ruleId}`.localeCompare(`${b.host}/${b.container}/${b.ruleId}`),
    );
}
