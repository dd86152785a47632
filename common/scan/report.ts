import type { Finding, NotApplicable, RuleMeta } from './finding';
import type { ScanInput, Suppression } from './scan-input';
import type { SeverityCounts } from './severity';
import type { TrendPoint } from './report-transfer';

/** A finding as the report lists it: with a fingerprint that stays the same across scans, so reports
 * can be diffed (new / fixed / still open). */
export interface ReportFinding extends Finding {
  fingerprint: string;
}

export interface SuppressedFinding extends ReportFinding {
  suppression: Pick<Suppression, 'reason' | 'expires'>;
}

export interface ReportContainer {
  host: string;
  id: string;
  name: string;
  image: string;
  imageId: string;
  status: 'scanned' | 'gone' | 'error';
  error?: string;
  score: number;
  findings: ReportFinding[];
  suppressed: SuppressedFinding[];
  notApplicable: NotApplicable[];
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
  /** The last scans' summaries, oldest first, this one last (absent in reports written before it). */
  trend?: TrendPoint[];
}
