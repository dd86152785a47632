/** What a workflow says to people about one incident; the workflow adds where and which run. */
export type IncidentNote = Pick<Notification, 'key' | 'severity' | 'title' | 'text'> &
  Partial<Pick<Notification, 'kind' | 'service' | 'answerable'>>;

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
  /** The answers asked for, when not approve or reject (a paused rollout: resume or rollback). */
  answers?: AnswerVerb[];
}

export type AnswerVerb = 'approve' | 'reject' | 'resume' | 'rollback';

type NotificationKind =
  | 'waiting' // an approval, a paused rollout, a canary step, a hardening, a clean-up over threshold
  | 'failed'
  | 'rolled-back'
  | 'quarantined'
  | 'remediation'
  | 'scan-findings';

/** Where notifications go; each is delivered by its own activity, so one dead channel never holds up
 * (or duplicates into) another. PagerDuty only ever receives critical ones. */
const NOTIFY_CHANNELS = ['slack', 'webhook', 'pagerduty'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** The channels a notification of `severity` goes to, in delivery order: PagerDuty pages only for critical. */
export function channelsFor(severity: Notification['severity']): NotifyChannel[] {
  return NOTIFY_CHANNELS.filter((c) => c !== 'pagerduty' || severity === 'critical');
}

/** The workflow that delivers one notification on its own (deliverNotifications): started by a change
 * that is about to end (failed, rolled back) or a scan that found something, which does not wait for it. */
export const DELIVER_NOTIFICATIONS_WORKFLOW = 'deliverNotifications';

/** Its id: one per run and step, so a second start for the same step is refused. The run id, not the
 * workflow id: it is unique on its own, and a replay knows it (a replayed history does not carry its
 * workflow id, and a child's id is part of what a replay compares). */
export const deliveryWorkflowId = (runId: string, step: string) => `notify/${runId}/${step}`;

export interface DeliverNotificationsInput {
  notification: Notification;
}

/** What the Temporal UI shows of a delivery from its start (a change starts it as a child). Pure. */
export function deliveryPresentation(n: Notification): { staticSummary: string; staticDetails: string } {
  return {
    staticSummary: `notify (${n.severity}${n.kind ? `, ${n.kind}` : ''}): ${n.title}`.slice(0, 200),
    staticDetails: [
      `**deliverNotifications** — tells people what \`${n.workflowId}\` (run ${n.runId}) has to say, on every`,
      `channel this orchestrator has configured (Slack, the signed webhook, PagerDuty for critical), each retried`,
      `on its own for up to 10 minutes; \`${n.workflowId}\` did not wait for it. Key: \`${n.key}\`.`,
    ].join(' '),
  };
}

export interface DeliverNotificationsResult {
  /** Channels that took it. */
  delivered: NotifyChannel[];
  /** Channels not configured on this orchestrator (nothing sent). */
  skipped: NotifyChannel[];
  /** Channels still failing after their retries, with the last error. */
  failed: Array<{ channel: NotifyChannel; error: string }>;
}

export interface DeliverNotificationInput {
  channel: NotifyChannel;
  notification: Notification;
}

export interface DeliverNotificationResult {
  channel: NotifyChannel;
  /** false: the channel is not configured on this orchestrator (nothing was sent). */
  delivered: boolean;
}
