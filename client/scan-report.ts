import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeReport } from '../activities/scan/report/report-transfer';
import type { DockhandConfig } from '../common/config';
import type { ScanReport } from '../common/scan/report';
import type { ReadScanReportInput, ReportTransfer } from '../common/scan/report-transfer';
import { startPresentation } from './presentation';

/**
 * The scan report the result describes, wherever the CLI runs: from the result itself when it rode
 * inline, else chunk by chunk through the readScanReport workflow (one payload each, under the limit).
 */
export async function fetchScanReport(client: Client, config: DockhandConfig, t: ReportTransfer): Promise<ScanReport> {
  if (t.inline !== undefined) return decodeReport([t.inline]);
  const chunks: string[] = [];
  for (let chunk = 0; chunk < t.chunks; chunk++)
    chunks.push(await readChunk(client, config, { reportId: t.reportId, chunk }));
  return decodeReport(chunks);
}

async function readChunk(client: Client, config: DockhandConfig, input: ReadScanReportInput): Promise<string> {
  return (await startReadScanReport(client, config, input)).result();
}

/** Starts the readScanReport workflow for one chunk (a short read with a unique id). */
export function startReadScanReport(
  client: Client,
  config: DockhandConfig,
  input: ReadScanReportInput,
): Promise<WorkflowHandle<(i: ReadScanReportInput) => Promise<string>>> {
  return client.workflow.start('readScanReport', {
    taskQueue: config.orchestratorTaskQueue,
    workflowId: `scan-report/${input.reportId}/${input.chunk}-${randomUUID().slice(0, 8)}`,
    args: [input],
    workflowExecutionTimeout: '2m',
    ...startPresentation({
      workflowType: 'readScanReport',
      summary: `chunk ${input.chunk} of scan report ${input.reportId}`,
      what: 'reads one chunk of a stored scan report for the dockhand CLI (reports too large to ride in the scan result); changes nothing',
      facts: { report: input.reportId, chunk: String(input.chunk) },
    }),
  }) as Promise<WorkflowHandle<(i: ReadScanReportInput) => Promise<string>>>;
}
