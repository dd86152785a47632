import type { Notification } from '../remediation/notification';
import type { SecurityScanResult } from './scan-result';

/** What a scan says to people; the notifier adds where and which run. */
export type ScanNotice = Pick<Notification, 'kind' | 'severity' | 'title' | 'text'> & {
  step: 'new-findings' | 'fixes';
  host: string;
  container: string;
};

const containersOf = (xs: Array<{ container: string }>) => [...new Set(xs.map((x) => x.container))].join(',');

/**
 * A scheduled scan's news: the new critical/high findings since the last scan (critical pages), each
 * `host/container: rule (severity) title`, and where the report is. Undefined when there are none. Pure.
 */
export function newFindingsNotice(r: SecurityScanResult, scheduleId: string): ScanNotice | undefined {
  const found = r.newSerious ?? [];
  const count = r.newSeriousCount ?? found.length;
  if (!count) return undefined;
  const critical = found.filter((f) => f.severity === 'critical').length;
  return {
    step: 'new-findings',
    kind: 'scan-findings',
    severity: critical ? 'critical' : 'warning',
    title: `scheduled scan ${scheduleId}: ${count} new critical/high finding${count === 1 ? '' : 's'}`,
    text: [
      ...found.map((f) => `${f.host}/${f.container}: ${f.ruleId} (${f.severity}) ${f.title}`),
      ...(count > found.length ? [`… and ${count - found.length} more in the report`] : []),
      `report ${r.reportId} (on the orchestrator: ${r.reportDir})`,
    ].join('\n'),
    host: r.hosts.scanned.join(','),
    container: containersOf(found),
  };
}

/** The remediation hook: each critical vulnerability that has a fixed version, with the command that
 * ships it. Pure. */
export function fixesNotice(steps: NonNullable<SecurityScanResult['remediation']>, hosts: string[], reportDir: string) {
  return {
    step: 'fixes' as const,
    kind: 'scan-findings' as const,
    severity: 'critical' as const,
    title: `${steps.length} critical vulnerabilit${steps.length === 1 ? 'y has' : 'ies have'} a fixed version`,
    text: [
      ...steps.map(
        (s) => `${s.host}/${s.container}: ${s.ruleId} in ${s.package} (fixed in ${s.fixed}); run: ${s.command}`,
      ),
      `report: ${reportDir}`,
    ].join('\n'),
    host: hosts.join(','),
    container: containersOf(steps),
  } satisfies ScanNotice;
}
