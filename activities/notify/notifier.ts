import type { Notification } from '../../common/remediation/notification';
import { logger } from '../../common/logger';

export interface NotifierConfig {
  /** POST target for JSON notifications (DOCKHAND_NOTIFY_WEBHOOK_URL); absent → log only. Read from
   * the worker's environment so a webhook URL with a token never lands in workflow history. */
  webhookUrl?: string;
  temporalUiUrl: string;
  namespace: string;
}

/** Pluggable notifier run beside the workflows (orchestrator queue): always the log, plus a webhook. */
export function createNotifierActivities(config: NotifierConfig) {
  return {
    /** Sends one notification with the workflow's link. Twice: sends twice, with the same `key`, so a
     * receiver can drop the retry. A webhook that answers non-2xx fails the attempt (retried). */
    async notify(n: Notification): Promise<{ delivered: string[] }> {
      const link = `${config.temporalUiUrl}/namespaces/${config.namespace}/workflows/${encodeURIComponent(n.workflowId)}/${n.runId}`;
      const body = { ...n, link };
      logger.warn({ notification: body }, n.title);
      if (!config.webhookUrl) return { delivered: ['log'] };
      const res = await fetch(config.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`notification webhook answered ${res.status}`);
      return { delivered: ['log', 'webhook'] };
    },
  };
}
export type NotifierActivities = ReturnType<typeof createNotifierActivities>;
