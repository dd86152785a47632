import type { Finding, NotApplicable } from './finding';
import type { SeverityCounts } from './severity';
import type { HostVulnScan } from './vulnerability';
import type { ReportTransfer } from './report-transfer';
import type { RemediationStep } from './report';

/** A container the host agent listed (small: it goes through workflow history). */
export interface ScanTarget {
  id: string;
  name: string;
  image: string;
  /** The image's id (sha256:…), so Trivy can read the images while the containers are scanned.
   * Absent in scans recorded before it was listed. */
  imageId?: string;
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
  /** Its dockhand.service label: the service a remediation command redeploys. */
  service?: string;
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
  /** Trivy over the host's images (absent when check DH-VULN is off). SBOMs are staged apart. */
  vulnerabilities?: HostVulnScan;
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

/** A finding this scan found and the last one did not, critical or high. */
export interface NewSeriousFinding {
  host: string;
  container: string;
  ruleId: string;
  severity: 'critical' | 'high';
  title: string;
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
  /** New critical and high findings, not suppressed (the first 20; `newSeriousCount` says how many):
   * a scheduled scan tells people of them. */
  newSerious?: NewSeriousFinding[];
  newSeriousCount?: number;
  /** What the reader must know about the vulnerability data: unavailable on a host (with the reason),
   * or older than the configured age. */
  notices?: string[];
  /** With --sbom: one CycloneDX file per image, and packages added/removed since the last scan. */
  sboms?: Array<{ image: string; file: string; packages: number; added: number; removed: number }>;
  /** Open critical vulnerabilities with a fix, each with the command that ships it (first 20). */
  remediation?: RemediationStep[];
}
