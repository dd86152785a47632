import type { Finding, RuleMeta } from './finding';
import type { ScanInput, Suppression } from './scan-input';
import type { SeverityCounts } from './severity';
import type { VulnDbInfo } from './vulnerability';
import type { TrendPoint } from './report-transfer';
import type { ContainerScan } from './scan-result';

/** A finding as the report lists it: with a fingerprint that stays the same across scans, so reports
 * can be diffed (new / fixed / still open). */
export interface ReportFinding extends Finding {
  fingerprint: string;
}

export interface SuppressedFinding extends ReportFinding {
  suppression: Pick<Suppression, 'reason' | 'expires'>;
}

/** A scanned container as the report lists it: the host agent's outcome, scored, with findings split into
 * open and suppressed (the process list stays in the baseline, not the report). */
export interface ReportContainer extends Omit<ContainerScan, 'findings' | 'processes'> {
  score: number;
  findings: ReportFinding[];
  suppressed: SuppressedFinding[];
}

export interface DiffEntry {
  fingerprint: string;
  host: string;
  container: string;
  ruleId: string;
}

/** Against the previous report: findings that appeared, went away (on hosts scanned this time), stayed. */
export interface ReportDiff {
  previousReportId?: string;
  new: DiffEntry[];
  fixed: DiffEntry[];
  stillOpen: DiffEntry[];
}

/** The JSON report written to the reports directory (report.json). */
export interface ScanReport {
  reportId: string;
  tool: { name: 'dockhand'; version: string };
  startedAt: string;
  finishedAt: string;
  input: Pick<ScanInput, 'hosts' | 'containers' | 'checks' | 'suppressions'>;
  summary: {
    score: number;
    counts: SeverityCounts;
    suppressed: number;
    containers: { scanned: number; gone: number; errors: number };
    hosts: { scanned: string[]; unreachable: string[] };
  };
  hosts: Array<{ host: string; status: 'scanned' | 'unreachable'; error?: string }>;
  containers: ReportContainer[];
  rules: RuleMeta[];
  diff: ReportDiff;
  /** Trivy per host (absent when check DH-VULN was off) and what the reader must know about it. */
  vulnerabilities?: {
    maxDbAgeDays: number;
    hosts: Array<{
      host: string;
      status: 'scanned' | 'unavailable';
      reason?: string;
      db?: VulnDbInfo & { ageDays?: number };
      trivyVersion?: string;
      images: Array<{
        image: string;
        imageId: string;
        status: 'scanned' | 'error';
        error?: string;
        vulnerabilities: number;
      }>;
    }>;
    notices: string[];
  };
  /** Critical findings with a fixed version, each with the command that ships the fix. */
  remediation?: RemediationStep[];
  /** With --sbom: the CycloneDX SBOM of each image, and the packages added/removed since the last one
   * of the same image name. */
  sboms?: SbomEntry[];
  /** The last scans' summaries, oldest first, this one last (absent in reports written before it). */
  trend?: TrendPoint[];
}

export interface RemediationStep {
  host: string;
  container: string;
  ruleId: string;
  package: string;
  fixed: string;
  command: string;
}

export interface SbomEntry {
  image: string;
  imageId: string;
  /** Relative to the report's folder. */
  file: string;
  /** Package URLs (purl) of its components, sorted. */
  packages: string[];
  /** Against the previous report's SBOM of the same image name (absent: none to compare with). */
  previousImageId?: string;
  added?: string[];
  removed?: string[];
}
