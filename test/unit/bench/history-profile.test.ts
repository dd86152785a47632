import { describe, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { profileHistory } from '../../../bench/lib/history-profile';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

describe('profileHistory', () => {
  it('sums queue and run time per activity type, workflow tasks, and the time nothing was outstanding', () => {
    const events = [
      { eventId: 1, eventTime: at(0), workflowExecutionStartedEventAttributes: {} },
      { eventId: 2, eventTime: at(0), workflowTaskScheduledEventAttributes: {} },
      { eventId: 3, eventTime: at(100), workflowTaskCompletedEventAttributes: {} },
      {
        eventId: 4,
        eventTime: at(100),
        activityTaskScheduledEventAttributes: { activityType: { name: 'launchReplica' } },
      },
      { eventId: 5, eventTime: at(150), activityTaskStartedEventAttributes: { scheduledEventId: 4 } },
      { eventId: 6, eventTime: at(1150), activityTaskCompletedEventAttributes: { scheduledEventId: 4 } },
      { eventId: 7, eventTime: at(1150), workflowTaskScheduledEventAttributes: {} },
      { eventId: 8, eventTime: at(1350), workflowTaskCompletedEventAttributes: {} },
      {
        eventId: 9,
        eventTime: at(1350),
        activityTaskScheduledEventAttributes: { activityType: { name: 'configureEdge' } },
      },
      { eventId: 10, eventTime: at(1400), activityTaskStartedEventAttributes: { scheduledEventId: 9 } },
      { eventId: 11, eventTime: at(1700), activityTaskFailedEventAttributes: { scheduledEventId: 9 } },
      { eventId: 12, eventTime: at(2000), workflowExecutionCompletedEventAttributes: {} },
    ];
    expect(profileHistory(events as unknown as temporal.api.history.v1.IHistoryEvent[])).toEqual({
      totalMs: 2000,
      activities: {
        launchReplica: { count: 1, queuedMs: 50, runMs: 1000 },
        configureEdge: { count: 1, queuedMs: 50, runMs: 300 },
      },
      workflowTaskMs: 300,
      workflowTasks: 2,
      idleMs: 2000 - 1050 - 350,
    });
  });
});
