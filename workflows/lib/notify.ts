import {
  CancellationScope,
  log,
  ParentClosePolicy,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import {
  channelsFor,
  DELIVER_NOTIFICATIONS_WORKFLOW,
  deliveryPresentation,
  deliveryWorkflowId,
  type DeliverNotificationsInput,
  type Notification,
} from '../../common/remediation/notification';
import { orchestratorActivities } from './activity-options';

/** Steps of this workflow already notified (each workflow has its own module state in the sandbox,
 * shared with its interceptors: a change that notified "failed" itself is not told of twice). */
const notified = new Set<string>();

export type PeopleNotification = Omit<Notification, 'key' | 'workflowId' | 'runId' | 'host' | 'container'> & {
  /** Names the step within the workflow ("approval-1", "failed"): one notification per workflow and step. */
  step: string;
  host?: string;
  container?: string;
};

/** The notification for `p`, or undefined when this workflow already notified that step. */
function claim(p: PeopleNotification): (Notification & { step: string }) | undefined {
  const { workflowId, runId } = workflowInfo();
  const key = `${workflowId}/${runId}/${p.step}`;
  if (notified.has(key)) return undefined;
  notified.add(key);
  const { step: _step, ...rest } = p;
  return { ...rest, host: p.host ?? '', container: p.container ?? '', key, workflowId, runId, step: p.step };
}

/**
 * Tells people, on every configured channel, without waiting for them: each channel is its own
 * activity (retried for minutes by the notify profile) whose promise the workflow does not await, so
 * a dead Slack or webhook never slows a deploy. Deduplicated per workflow and step: asking again for
 * the same step sends nothing, and every delivery carries the key `<workflowId>/<runId>/<step>` that
 * receivers (and PagerDuty's dedup_key) use to drop a retried one. PagerDuty only for critical.
 * For a workflow that goes on running (it waits); one about to end uses notifyDetached.
 */
export function notifyPeople(p: PeopleNotification): void {
  const claimed = claim(p);
  if (!claimed) return;
  const { step: _step, ...notification } = claimed;
  const { deliverNotification } = orchestratorActivities();
  for (const channel of channelsFor(p.severity))
    deliverNotification({ channel, notification }).catch((err: Error) =>
      log.warn(`notification to ${channel} not delivered: ${err.message}`, { key: notification.key }),
    );
}

/**
 * The same, handed to a workflow of its own (deliverNotifications, id `notify/<runId>/<step>`) that this one
 * abandons: waits only for Temporal to record its start, never for a channel, and the deliveries go on
 * (retried) after this workflow ends — activities left pending by a workflow that closes never run.
 * Deduplicated per workflow and step like notifyPeople, and by the child's id (a second start with the
 * same key is refused). Never throws: a notification that cannot start is logged, the change goes on.
 */
export async function notifyDetached(p: PeopleNotification): Promise<void> {
  const claimed = claim(p);
  if (!claimed) return;
  const { step, ...notification } = claimed;
  // Not cancellable: a cancelled change still says how it ended.
  await CancellationScope.nonCancellable(async () => {
    try {
      await startChild(DELIVER_NOTIFICATIONS_WORKFLOW, {
        workflowId: deliveryWorkflowId(notification.runId, step),
        args: [{ notification } satisfies DeliverNotificationsInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        // The deliveries' own bound (10 min of retries) plus room: never a workflow left running.
        workflowExecutionTimeout: '15m',
        ...deliveryPresentation(notification),
      });
    } catch (err) {
      log.warn(`notification not started: ${(err as Error).message}`, { key: notification.key });
    }
  });
}
