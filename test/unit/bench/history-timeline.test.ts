import { describe, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { formatTimeline, historyTimeline } from '../../../bench/lib/history-timeline';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

describe('historyTimeline', () => {
  const events = [
    { eventId: 1, eventTime: at(0), activityTaskScheduledEventAttributes: { activityType: { name: 'holdOld' } } },
    { eventId: 2, eventTime: at(900), workflowTaskScheduledEventAttributes: {} },
    { eventId: 3, eventTime: at(1080), workflowTaskCompletedEventAttributes: {} },
    { eventId: 4, eventTime: at(1080), workflowExecutionUpdateAcceptedEventAttributes: {} },
    {
      eventId: 5,
      eventTime: at(1080),
      activityTaskScheduledEventAttributes: { activityType: { name: 'answerIdentity' } },
    },
    { eventId: 6, eventTime: at(1100), activityTaskStartedEventAttributes: { scheduledEventId: 5 } },
    { eventId: 7, eventTime: at(1300), activityTaskCompletedEventAttributes: { scheduledEventId: 5 } },
    { eventId: 8, eventTime: at(1300), workflowExecutionUpdateCompletedEventAttributes: {} },
    {
      eventId: 9,
      eventTime: at(1300),
      activityTaskScheduledEventAttributes: { activityType: { name: 'switchEdgeColor' } },
    },
    { eventId: 10, eventTime: at(1310), activityTaskStartedEventAttributes: { scheduledEventId: 9 } },
    { eventId: 11, eventTime: at(1700), activityTaskFailedEventAttributes: { scheduledEventId: 1 } },
    { eventId: 12, eventTime: at(1900), activityTaskCompletedEventAttributes: { scheduledEventId: 9 } },
    { eventId: 13, eventTime: at(2000), workflowExecutionSignaledEventAttributes: { signalName: 'abort' } },
  ] as unknown as temporal.api.history.v1.IHistoryEvent[];

  it('lists updates, workflow tasks and each activity step from a moment on, activities named by type', () => {
    expect(historyTimeline(events, 1000)).toEqual([
      { at: 1080, what: 'workflow task (80 ms)' },
      { at: 1080, what: 'update accepted' },
      { at: 1080, what: 'answerIdentity scheduled' },
      { at: 1100, what: 'answerIdentity started' },
      { at: 1300, what: 'answerIdentity completed' },
      { at: 1300, what: 'update completed' },
      { at: 1300, what: 'switchEdgeColor scheduled' },
      { at: 1310, what: 'switchEdgeColor started' },
      { at: 1700, what: 'holdOld failed' },
      { at: 1900, what: 'switchEdgeColor completed' },
      { at: 2000, what: 'signal abort' },
    ]);
  });

  it('formats relative to an origin, up to the first step that matches', () => {
    expect(formatTimeline(historyTimeline(events, 1200), 1000, /switchEdgeColor started/)).toBe(
      '+0.30 answerIdentity completed, +0.30 update completed, +0.30 switchEdgeColor scheduled, +0.31 switchEdgeColor started',
    );
  });
});
