import { describe, expect, it } from 'vitest';
import type { temporal } from '@temporalio/proto';
import { formatLanes, historyLanes } from '../../../bench/lib/history-lanes';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const scheduled = (eventId: number, ms: number, name: string, queue: string) => ({
  eventId,
  eventTime: at(ms),
  activityTaskScheduledEventAttributes: { activityType: { name }, taskQueue: { name: queue } },
});

describe('historyLanes', () => {
  it("lists every activity call with its host's queue and times from the workflow's start", () => {
    const events = [
      { eventId: 1, eventTime: at(10_000), workflowExecutionStartedEventAttributes: {} },
      scheduled(2, 10_100, 'ensureImage', 'h1'),
      scheduled(3, 10_100, 'ensureImage', 'h2'),
      { eventId: 4, eventTime: at(10_120), activityTaskStartedEventAttributes: { scheduledEventId: 2 } },
      { eventId: 5, eventTime: at(10_300), activityTaskStartedEventAttributes: { scheduledEventId: 3 } },
      { eventId: 6, eventTime: at(10_500), activityTaskCompletedEventAttributes: { scheduledEventId: 2 } },
      { eventId: 7, eventTime: at(11_000), activityTaskFailedEventAttributes: { scheduledEventId: 3 } },
    ];
    const calls = historyLanes(events as unknown as temporal.api.history.v1.IHistoryEvent[]);
    expect(calls).toEqual([
      { type: 'ensureImage', queue: 'h1', scheduledMs: 100, startedMs: 120, closedMs: 500 },
      { type: 'ensureImage', queue: 'h2', scheduledMs: 100, startedMs: 300, closedMs: 1000 },
    ]);
    expect(formatLanes(calls)).toBe('  h1: ensureImage 0.10–0.50\n  h2: ensureImage 0.10–1.00 (q 0.20)');
  });
});
