/**
 * Dockhand's own metric names, next to the Temporal SDK's on every worker's /metrics (Prometheus text;
 * counters get a `_total` suffix there). One place, so docs/operations.md and dashboards use the same.
 */
export const METRICS = {
  /** Workflows that ended, by type and outcome (succeeded, failed, or the result's own outcome). */
  changes: 'dockhand_changes',
  /** How long a workflow ran, by type and outcome: for remediations, the remediation latency. */
  changeDuration: 'dockhand_change_duration',
  /** Time an approval gate waited for its answer, by workflow type and outcome. */
  approvalWait: 'dockhand_approval_wait',
  /** Compensations run (a change undone), by workflow type. */
  rollbacks: 'dockhand_rollbacks',
  /** Events the trigger took off its queue, by kind and outcome (started, skipped, failed). */
  eventsProcessed: 'dockhand_events_processed',
  /** Open findings of the latest scan, by severity (a gauge). */
  scanFindings: 'dockhand_scan_findings',
} as const;
