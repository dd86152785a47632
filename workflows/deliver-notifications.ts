import {
  channelsFor,
  type DeliverNotificationsInput,
  type DeliverNotificationsResult,
} from '../common/remediation/notification';
import { orchestratorActivities } from './lib/activity-options';
import { enterPhase } from './lib/progress';
import { messageOf } from './lib/saga';
import { tagWorkflow } from './lib/workflow-tags';

/**
 * Delivers one notification to every configured channel, each its own activity retried on its own (the
 * notify profile: up to 10 minutes), and says which took it. A workflow of its own so that a change
 * about to end (failed, rolled back) or a scan that found something can hand the delivery over and end:
 * activities a workflow leaves pending when it closes are never run, a child it abandons is.
 */
export async function deliverNotifications({
  notification,
}: DeliverNotificationsInput): Promise<DeliverNotificationsResult> {
  const { deliverNotification } = orchestratorActivities();
  const channels = channelsFor(notification.severity);
  tagWorkflow({
    ...(notification.service ? { service: notification.service } : {}),
    ...(notification.host ? { host: notification.host } : {}),
  });
  enterPhase('delivering', `${notification.title} → ${channels.join(', ')} (key ${notification.key})`);
  const results = await Promise.allSettled(channels.map((channel) => deliverNotification({ channel, notification })));
  const out: DeliverNotificationsResult = { delivered: [], skipped: [], failed: [] };
  results.forEach((r, i) => {
    const channel = channels[i]!;
    if (r.status === 'rejected') out.failed.push({ channel, error: messageOf(r.reason) });
    else (r.value.delivered ? out.delivered : out.skipped).push(channel);
  });
  const failed = out.failed.map((f) => `${f.channel} (${f.error})`);
  enterPhase(
    'done',
    `delivered: ${out.delivered.join(', ') || 'none'}; not configured: ${out.skipped.join(', ') || 'none'}` +
      (failed.length ? `; failed: ${failed.join(', ')}` : ''),
  );
  return out;
}
