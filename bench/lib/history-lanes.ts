import { eventMs, type HistoryEvent } from './history-event';

/** One activity call: on which task queue (a host's agent), when it was scheduled, started and closed
 * (ms from the workflow's start). */
export interface LaneCall {
  type: string;
  queue: string;
  scheduledMs: number;
  startedMs: number;
  closedMs: number;
}

/** Every activity call of a history, in the order scheduled, with its task queue: what each host did
 * when, so a fleet's wall time can be split per host and per step. Pure. */
export function historyLanes(events: HistoryEvent[]): LaneCall[] {
  const start = events.length ? eventMs(events[0]!) : 0;
  const calls = new Map<string, LaneCall>();
  for (const e of events) {
    const at = eventMs(e) - start;
    const s = e.activityTaskScheduledEventAttributes;
    if (s)
      calls.set(String(e.eventId), {
        type: s.activityType?.name ?? '?',
        queue: s.taskQueue?.name ?? '?',
        scheduledMs: at,
        startedMs: at,
        closedMs: at,
      });
    const started = e.activityTaskStartedEventAttributes;
    if (started) calls.get(String(started.scheduledEventId))!.startedMs = at;
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (closed) calls.get(String(closed.scheduledEventId))!.closedMs = at;
  }
  return [...calls.values()];
}

/** One line per task queue: "queue: type 0.10–0.52 (q 0.03), …" in seconds from the workflow's start. */
export function formatLanes(calls: LaneCall[]): string {
  const queues = [...new Set(calls.map((c) => c.queue))];
  const s = (x: number) => (x / 1000).toFixed(2);
  return queues
    .map(
      (q) =>
        `  ${q}: ${calls
          .filter((c) => c.queue === q)
          .map(
            (c) =>
              `${c.type} ${s(c.scheduledMs)}–${s(c.closedMs)}${c.startedMs - c.scheduledMs > 50 ? ` (q ${s(c.startedMs - c.scheduledMs)})` : ''}`,
          )
          .join(', ')}`,
    )
    .join('\n');
}
