/**
 * How a scan report reaches the CLI wherever it runs (a CI runner, a laptop): not as a path on the
 * orchestrator's disk, but through Temporal. The report JSON is gzipped and base64-encoded, then cut
 * into chunks of at most REPORT_CHUNK_CHARS; a report of one chunk (nearly all of them: a finding
 * compresses to a few dozen bytes) rides in the scan's result itself, a larger one is fetched chunk
 * by chunk with the readScanReport workflow. Every payload stays far below Temporal's 2 MiB limit,
 * as the staged parts of M8 do on the way in.
 */
export interface ReportTransfer {
  reportId: string;
  encoding: 'gzip+base64';
  /** Size of report.json (uncompressed), for the CLI's progress line. */
  bytes: number;
  /** Number of chunks of the encoded report. */
  chunks: number;
  /** The whole encoded report, when it fits in one chunk. */
  inline?: string;
}

/** The most base64 characters one payload carries: half of Temporal's 2 MiB payload limit, so a chunk
 * plus its envelope never comes near it, and the scan result with an inline report neither. */
export const REPORT_CHUNK_CHARS = 1024 * 1024;

/** Input of the readScanReport workflow: one chunk of a stored report. */
export interface ReadScanReportInput {
  reportId: string;
  chunk: number;
}

/** A report id as the store names its folders (the scan's start time and run id). */
export const REPORT_ID = /^[\w.-]+$/;

/** Formats `dockhand scan --format` writes where the CLI runs. */
export const REPORT_FORMATS = ['json', 'sarif', 'junit', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** One past scan in the report's trend (the HTML chart of findings over the last scans). */
export interface TrendPoint {
  reportId: string;
  finishedAt: string;
  score: number;
  counts: Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>;
}

/** How many past scans the report store keeps in its trend index and a report carries. */
export const TREND_LENGTH = 20;
