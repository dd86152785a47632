/** What a workflow says to people about one incident; the workflow adds where and which run. */
export type IncidentNote = Pick<Notification, 'key' | 'severity' | 'title' | 'text'>;

/** A message to people about a remediation (webhook JSON body and log line). */
export interface Notification {
  /** Stable per incident: receivers de-duplicate a retried delivery with it. */
  key: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  text: string;
  host: string;
  container: string;
  workflowId: string;
  runId: string;
}
