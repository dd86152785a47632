import {
  ScheduleAlreadyRunning,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type Workflow,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';

/** Creates the Schedule `scheduleId` that starts `action` every `every` (overlapping runs skipped), or
 * updates its interval and action when it exists. Twice: the same schedule, updated in place. */
export async function upsertIntervalSchedule(
  client: Client,
  scheduleId: string,
  every: Duration,
  action: ScheduleOptionsStartWorkflowAction<Workflow>,
): Promise<string> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every }] },
      action,
      policies: { overlap: 'SKIP' },
    });
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
    await client.schedule.getHandle(scheduleId).update((s) => ({ ...s, spec: { intervals: [{ every }] }, action }));
  }
  return scheduleId;
}
