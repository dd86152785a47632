/**
 * A scan report's id: sortable (the start time, to the second) and unique per run. The run id's *last*
 * characters make it unique: run ids are UUIDv7 on current Temporal servers, whose first characters are
 * the time (the first 8 change every 65 s), so two scans started in the same second got one id and the
 * second overwrote the first's report and lost its diff. Pure.
 */
export function scanReportId(startedAt: string, runId: string): string {
  const stamp = startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${runId.replace(/-/g, '').slice(-12)}`;
}
