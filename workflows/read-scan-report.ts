import { setCurrentDetails } from '@temporalio/workflow';
import { phaseDetails } from '../common/phase-details';
import type { ReadScanReportInput } from '../common/scan/report-transfer';
import { orchestratorActivities } from './lib/activity-options';

/**
 * Hands one chunk of a stored scan report to whoever asks through Temporal (the CLI on a CI runner
 * that cannot read the orchestrator's disk). Only reports too large to ride in the scan's result need
 * it; each chunk stays under the payload limit (common/scan/report-transfer.ts).
 */
export async function readScanReport(input: ReadScanReportInput): Promise<string> {
  setCurrentDetails(
    phaseDetails('reading', `chunk ${input.chunk} of scan report ${input.reportId}`, 'the report store (orchestrator)'),
  );
  return orchestratorActivities().readScanReportChunk(input);
}
