import { ApplicationFailure } from '@temporalio/activity';
import type {
  DeliverNotificationInput,
  DeliverNotificationResult,
  Notification,
} from '../../common/remediation/notification';
import { DELIVERY_HEADERS, signDelivery, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../common/events/signature';
import { logger } from '../../common/logger';
import { ErrorType } from '../../common/errors';
import { pagerDutyEvent } from './pagerduty';
import { secretValue } from './secret-value';
import { slackMessage } from './slack';

export interface NotifierConfig {
  /** POST target for JSON notifications (DOCKHAND_NOTIFY_WEBHOOK_URL); absent → log only. Read from
   * the worker's environment so a webhook URL with a token never lands in workflow history. */
  webhookUrl?: string;
  /** Signs the webhook's requests (DOCKHAND_NOTIFY_WEBHOOK_SECRET, `file:<path>` allowed). */
  webhookSecret?: string;
  /** Slack-compatible incoming webhook (DOCKHAND_NOTIFY_SLACK_URL, `file:<path>` allowed). */
  slackUrl?: string;
  /** PagerDuty Events v2 routing key and endpoint. */
  pagerDutyKey?: string;
  pagerDutyUrl?: string;
  temporalUiUrl: string;
  namespace: string;
}

/** How long one delivery may take: a dead or slow channel fails the attempt, and Temporal retries it. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** Pluggable notifier run beside the workflows (orchestrator queue): always the log, plus the channels. */
export function createNotifierActivities(config: NotifierConfig) {
  const linkOf = (n: Notification) =>
    `${config.temporalUiUrl}/namespaces/${config.namespace}/workflows/${encodeURIComponent(n.workflowId)}/${n.runId}`;

  /** POSTs JSON; a non-2xx answer fails the attempt (retried), naming the channel. */
  async function post(channel: string, url: string, body: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'dockhand-notifier', ...headers },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`${channel} notification answered ${res.status}`);
  }

  /** The generic JSON webhook: the notification and its link, signed when a secret is set (the
   * scheme of Dockhand's own CI webhook: timestamp, delivery id = the notification key, body). */
  async function postWebhook(n: Notification): Promise<void> {
    const body = JSON.stringify({ ...n, link: linkOf(n) });
    const secret = secretValue(config.webhookSecret);
    const timestamp = String(Math.floor(Date.now() / 1000));
    await post('webhook', config.webhookUrl!, body, {
      [DELIVERY_HEADERS[0]]: n.key,
      ...(secret
        ? { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signDelivery(secret, timestamp, n.key, body) }
        : {}),
    });
  }

  return {
    /** Sends one notification with the workflow's link. Twice: sends twice, with the same `key`, so a
     * receiver can drop the retry. A webhook that answers non-2xx fails the attempt (retried). */
    async notify(n: Notification): Promise<{ delivered: string[] }> {
      logger.warn({ notification: { ...n, link: linkOf(n) } }, n.title);
      if (!config.webhookUrl) return { delivered: ['log'] };
      await postWebhook(n);
      return { delivered: ['log', 'webhook'] };
    },

    /** Delivers one notification to one channel (each channel its own activity, retried on its own, so
     * a dead one neither holds up nor duplicates into the others). A channel that is not configured
     * is not an error: nothing is sent. Twice: sent twice with the same key (PagerDuty's dedup_key,
     * the webhook's delivery id). */
    async deliverNotification({
      channel,
      notification: n,
    }: DeliverNotificationInput): Promise<DeliverNotificationResult> {
      const link = linkOf(n);
      switch (channel) {
        case 'slack': {
          const url = secretValue(config.slackUrl);
          if (!url) return { channel, delivered: false };
          await post('slack', url, JSON.stringify(slackMessage(n, link)));
          break;
        }
        case 'webhook':
          if (!config.webhookUrl) return { channel, delivered: false };
          await postWebhook(n);
          break;
        case 'pagerduty': {
          const key = secretValue(config.pagerDutyKey);
          if (!key) return { channel, delivered: false };
          if (n.severity !== 'critical')
            throw ApplicationFailure.nonRetryable(
              `pagerduty: only critical notifications page (${n.severity})`,
              ErrorType.BadSpec,
            );
          await post(
            'pagerduty',
            config.pagerDutyUrl ?? 'https://events.pagerduty.com/v2/enqueue',
            JSON.stringify(pagerDutyEvent(n, key, link)),
          );
          break;
        }
      }
      logger.info({ channel, key: n.key }, `notified ${channel}: ${n.title}`);
      return { channel, delivered: true };
    },
  };
}
export type NotifierActivities = ReturnType<typeof createNotifierActivities>;
