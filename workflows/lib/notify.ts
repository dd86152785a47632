import { log, workflowInfo } from '@temporalio/workflow';
import { NOTIFY_CHANNELS, type Notification } from '../../common/remediation/notification';
import { orchestratorActivities } from './activity-options';

/** Steps of this workflow already notified (each workflow has its own module state in the sandbox). */
const notified = new Set<string>();

export type PeopleNotification = Omit<Notification, 'key' | 'workflowId' | 'runId' | 'host' | 'container'> & {
  /** Names the step within the workflow ("approval-1", "failed"): one notification per workflow and step. */
  step: string;
  host?: string;
  container?: string;
};

/**
 * Tells people, on every configured channel, without waiting for them: each channel is its own
 * activity (retried for minutes by the notify profile) whose promise the workflow does not await, so
 * a dead Slack or webhook never slows a deploy. Deduplicated per workflow and step: asking again for
 * the same step sends nothing, and every delivery carries the key `<workflowId>/<runId>/<step>` that
 * receivers (and PagerDuty's dedup_key) use to drop a retried one. PagerDuty only for critical.
 */
export function notifyPeople(p: PeopleNotification): void {
  const { workflowId, runId } = workflowInfo();
  const key = `${workflowId}/${runId}/${p.step}`;
  if (notified.has(key)) return;
  notified.add(key);
  const { step: _step, ...rest } = p;
  const notification: Notification = {
    ...rest,
    host: p.host ?? '',
    container: p.container ?? '',
    key,
    workflowId,
    runId,
  };
  const { deliverNotification } = orchestratorActivities();
  for (const channel of NOTIFY_CHANNELS.filter((c) => c !== 'pagerduty' || p.severity === 'critical'))
    deliverNotification({ channel, notification }).catch((err: Error) =>
      log.warn(`notification to ${channel} not delivered: ${err.message}`, { key }),
    );
}
