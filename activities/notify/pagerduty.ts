import type { Notification } from '../../common/remediation/notification';

/** A PagerDuty Events v2 trigger: `dedup_key` is the notification's key, so a retried delivery (or the
 * same step notified again) updates the one incident instead of paging twice. */
export function pagerDutyEvent(n: Notification, routingKey: string, link: string): object {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.key,
    payload: {
      summary: n.title.slice(0, 1024),
      source: n.host || 'dockhand',
      severity: n.severity === 'critical' ? 'critical' : n.severity === 'warning' ? 'warning' : 'info',
      ...(n.container ? { component: n.container } : {}),
      ...(n.service ? { group: n.service } : {}),
      ...(n.kind ? { class: n.kind } : {}),
      custom_details: { text: n.text, workflowId: n.workflowId, runId: n.runId },
    },
    client: 'Dockhand',
    client_url: link,
    links: [{ href: link, text: 'Workflow in the Temporal UI' }],
  };
}
