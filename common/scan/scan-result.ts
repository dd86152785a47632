import type { Finding, NotApplicable } from './finding';
import type { SeverityCounts } from './severity';
import type { ReportTransfer } from './report-transfer';

/** A container the host agent listed (small: it goes through workflow history). */
export interface ScanTarget {
  id: string;
  name: string;
  image: string;
  state: string;
  labels: Record<string, string>;
}

/** The outcome of scanning one container on a host agent. */
export interface ContainerScan {
  host: string;
  id: string;
  name: string;
  image: string;
  imageId: string;
  /** gone: the container disappeared mid-scan; error: the scan failed (see `error`). */
  status: 'scanned' | 'gone' | 'error';
  error?: string;
  findings: Finding[];
  notApplicable: NotApplicable[];
  /** Process names seen now, for the drift baseline. */
  processes: string[];
}

export interface HostScan {
  host: string;
  status: 'scanned' | 'unreachable';
  error?: string;
  containers: ContainerScan[];
}

/** Processes recorded at a container's first scan, keyed by `<host>/<container name>`. */
export interface BaselineEntry {
  imageId: string;
  processes: string[];
  recordedAt: string;
}
export type Baseline = Record<string, BaselineEntry>;

export function baselineKey(host: string, container: string): string {
  return `${host}/${container}`;
}

/** The summary a securityScan workflow returns, with the report itself (or how to fetch it) in
 * `report`; `reportDir` and `files` are paths on the orchestrator's disk. */
export interface SecurityScanResult {
  reportId: string;
  /** The report for wherever the CLI runs (absent from runs that finished before it existed). */
  report?: ReportTransfer;
  reportDir: string;
  files: { json: string; sarif: string; markdown: string };
  score: number;
  counts: SeverityCounts;
  suppressed: number;
  containers: { scanned: number; gone: number; errors: number };
  hosts: { scanned: string[]; unreachable: string[] };
  diff: { new: number; fixed: number; stillOpen: number; previousReportId?: string };
}
