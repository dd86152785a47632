import type { Vulnerability } from '../../../common/scan/vulnerability';
import type { Severity } from '../../../common/scan/severity';

/** The most vulnerabilities kept per image: history and reports stay bounded (the rest are counted). */
export const MAX_VULNERABILITIES_PER_IMAGE = 500;

/** The part of `trivy image --format json` Dockhand reads (schema version 2). */
export interface TrivyJson {
  SchemaVersion?: number;
  Results?: Array<{
    Target?: string;
    Vulnerabilities?: Array<{
      VulnerabilityID: string;
      PkgName: string;
      InstalledVersion: string;
      FixedVersion?: string;
      Severity?: string;
      Title?: string;
      PrimaryURL?: string;
      CVSS?: Record<string, { V2Score?: number; V3Score?: number; V40Score?: number }>;
    }>;
  }>;
}

/** Trivy's severities; UNKNOWN (no source rated it) is kept as info, never dropped. */
const SEVERITY: Record<string, Severity> = { CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low' };

/** The vulnerabilities of one Trivy report: one per id and package (Trivy may list a package twice for
 * two targets), most severe first, capped. Pure. */
export function vulnerabilitiesOf(report: TrivyJson): { vulnerabilities: Vulnerability[]; truncated: number } {
  const seen = new Map<string, Vulnerability>();
  for (const r of report.Results ?? [])
    for (const v of r.Vulnerabilities ?? []) {
      const key = `${v.VulnerabilityID}\n${v.PkgName}\n${v.InstalledVersion}`;
      if (seen.has(key)) continue;
      const scores = Object.values(v.CVSS ?? {}).map((c) => c.V3Score ?? c.V2Score ?? 0);
      const cvss = scores.length ? Math.max(...scores) : 0;
      seen.set(key, {
        id: v.VulnerabilityID,
        pkg: v.PkgName,
        installed: v.InstalledVersion,
        ...(v.FixedVersion ? { fixed: v.FixedVersion } : {}),
        severity: SEVERITY[v.Severity ?? ''] ?? 'info',
        ...(cvss > 0 ? { cvss } : {}),
        title: (v.Title ?? v.VulnerabilityID).slice(0, 200),
        ...(v.PrimaryURL ? { url: v.PrimaryURL } : {}),
      });
    }
  const rank = ['critical', 'high', 'medium', 'low', 'info'];
  const all = [...seen.values()].sort(
    (a, b) =>
      rank.indexOf(a.severity) - rank.indexOf(b.severity) || a.id.localeCompare(b.id) || a.pkg.localeCompare(b.pkg),
  );
  return {
    vulnerabilities: all.slice(0, MAX_VULNERABILITIES_PER_IMAGE),
    truncated: Math.max(0, all.length - MAX_VULNERABILITIES_PER_IMAGE),
  };
}
