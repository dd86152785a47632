import { gunzipSync, gzipSync } from 'node:zlib';
import type { ScanReport } from '../../../common/scan/report';
import { REPORT_CHUNK_CHARS, type ReportTransfer } from '../../../common/scan/report-transfer';

/** report.json as the text that travels: gzip, then base64 (see common/scan/report-transfer.ts). */
export function encodeReport(json: string): string {
  return gzipSync(Buffer.from(json, 'utf8'), { level: 9 }).toString('base64');
}

/** What the scan result says about its report: inline when it is one chunk, else the chunk count. */
export function transferOf(
  reportId: string,
  json: string,
  encoded: string,
  chunkChars = REPORT_CHUNK_CHARS,
): ReportTransfer {
  const chunks = Math.max(1, Math.ceil(encoded.length / chunkChars));
  return {
    reportId,
    encoding: 'gzip+base64',
    bytes: Buffer.byteLength(json, 'utf8'),
    chunks,
    ...(chunks === 1 ? { inline: encoded } : {}),
  };
}

/** Chunk `i` of the encoded report; out of range is an error naming the count. */
export function chunkOf(encoded: string, i: number, chunkChars = REPORT_CHUNK_CHARS): string {
  const chunks = Math.max(1, Math.ceil(encoded.length / chunkChars));
  if (!Number.isInteger(i) || i < 0 || i >= chunks)
    throw new Error(`chunk: ${i} is not one of the report's ${chunks} chunk(s)`);
  return encoded.slice(i * chunkChars, (i + 1) * chunkChars);
}

/** The report again from its chunks, in order. */
export function decodeReport(chunks: string[]): ScanReport {
  return JSON.parse(gunzipSync(Buffer.from(chunks.join(''), 'base64')).toString('utf8')) as ScanReport;
}
