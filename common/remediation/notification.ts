/** What a workflow says to people about one incident; the workflow adds where and which run. */
export type IncidentNote = Pick<Notification, 'key' | 'severity' | 'title' | 'text'>;

/** A message to people: a change waits for them, failed or rolled back, a container was quarantined,
 * a scan found new serious findings (webhook JSON body, Slack/PagerDuty text and the log line). */
export interface Notification {
  /** Stable per workflow and step: receivers (and PagerDuty's dedup_key) drop a retried delivery. */
  key: string;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  text: string;
  host: string;
  container: string;
  workflowId: string;
  runId: string;
  /** What happened, for routing on the receiving side. */
  kind?: NotificationKind;
  service?: string;
  /** Whether people are asked to answer (approve or reject): Slack shows the exact commands. */
  answerable?: boolean;
}

export type NotificationKind =
  | 'waiting' // an approval, a paused rollout, a canary step, a hardening, a clean-up over threshold
  | 'failed'
  | 'rolled-back'
  | 'quarantined'
  | 'remediation'
  | 'scan-findings';

/** Where notifications go; each is delivered by its own activity, so one dead channel never holds up
 * (or duplicates into) another. PagerDuty only ever receives critical ones. */
export const NOTIFY_CHANNELS = ['slack', 'webhook', 'pagerduty'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

export interface DeliverNotificationInput {
  channel: NotifyChannel;
  notification: Notification;
}

export interface DeliverNotificationResult {
  channel: NotifyChannel;
  /** false: the channel is not configured on this orchestrator (nothing was sent). */
  delivered: boolean;
}
