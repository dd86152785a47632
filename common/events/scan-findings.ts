import type { EngineEvent } from './engine-event';
import type { Suppression } from '../scan/scan-input';
import type { HostScan } from '../scan/scan-result';
import { globMatch } from '../scan/glob';

/** The action of the event a security scan publishes for a container with findings; rules match it
 * (with a label opt-in) to start remediateHarden. */
const SCAN_FINDING_ACTION = 'scan_finding';

/**
 * One event per scanned container with at least one finding that is not suppressed, carrying the
 * finding ids and the container's labels (for the rules' opt-in). Pure; `at` is the scan's start, so
 * the same scan publishes the same job ids again after a retry.
 */
export function scanFindingEvents(
  hosts: HostScan[],
  labels: Record<string, Record<string, string>>,
  suppressions: Suppression[],
  at: string,
): EngineEvent[] {
  const now = Date.parse(at);
  const suppressed = (host: string, container: string, ruleId: string) =>
    suppressions.some(
      (s) =>
        globMatch(s.ruleId, ruleId) &&
        (!s.container || globMatch(s.container, container)) &&
        (!s.host || s.host === host) &&
        Date.parse(s.expires) > now,
    );
  return hosts.flatMap((h) =>
    h.containers.flatMap((c): EngineEvent[] => {
      const findings = [...new Set(c.findings.map((f) => f.ruleId).filter((id) => !suppressed(c.host, c.name, id)))];
      if (c.status !== 'scanned' || findings.length === 0) return [];
      return [
        {
          source: 'scan',
          host: c.host,
          type: 'container',
          action: SCAN_FINDING_ACTION,
          id: c.id,
          name: c.name,
          labels: labels[`${c.host}/${c.id}`] ?? {},
          findings,
          timeNano: `${now}000000`,
        },
      ];
    }),
  );
}
