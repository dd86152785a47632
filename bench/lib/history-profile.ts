import { eventMs, type HistoryEvent } from './history-event';

interface ActivityTypeProfile {
  count: number;
  /** Scheduled → started: time in the task queue (worker round trip). */
  queuedMs: number;
  /** Started → closed: time the activity ran. */
  runMs: number;
}
export interface HistoryProfile {
  totalMs: number;
  /** Per activity type, summed over every call. */
  activities: Record<string, ActivityTypeProfile>;
  /** Workflow task scheduled → completed, summed: the orchestrator deciding what comes next. */
  workflowTaskMs: number;
  workflowTasks: number;
  /** Time during which no activity of the workflow was scheduled, started or running: pure gaps. */
  idleMs: number;
}

/** Sums where a workflow's wall time went, from its history: per activity type (queue wait and run
 * time), workflow tasks, and the time nothing was outstanding. Pure. */
export function profileHistory(events: HistoryEvent[]): HistoryProfile {
  const scheduled = new Map<string, { type: string; at: number; startedAt?: number }>();
  const activities: Record<string, ActivityTypeProfile> = {};
  const intervals: Array<[number, number]> = [];
  let workflowTaskMs = 0;
  let workflowTasks = 0;
  let wtScheduledAt = 0;
  for (const e of events) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes)
      scheduled.set(id, { type: e.activityTaskScheduledEventAttributes.activityType!.name!, at: eventMs(e) });
    const started = e.activityTaskStartedEventAttributes;
    if (started) scheduled.get(String(started.scheduledEventId))!.startedAt = eventMs(e);
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    if (closed) {
      const s = scheduled.get(String(closed.scheduledEventId))!;
      const p = (activities[s.type] ??= { count: 0, queuedMs: 0, runMs: 0 });
      const startedAt = s.startedAt ?? eventMs(e);
      p.count++;
      p.queuedMs += startedAt - s.at;
      p.runMs += eventMs(e) - startedAt;
      intervals.push([s.at, eventMs(e)]);
    }
    if (e.workflowTaskScheduledEventAttributes) wtScheduledAt = eventMs(e);
    if (e.workflowTaskCompletedEventAttributes) {
      workflowTaskMs += eventMs(e) - wtScheduledAt;
      workflowTasks++;
    }
  }
  const start = events.length ? eventMs(events[0]!) : 0;
  const end = events.length ? eventMs(events[events.length - 1]!) : 0;
  return { totalMs: end - start, activities, workflowTaskMs, workflowTasks, idleMs: end - start - covered(intervals) };
}

/** Total length of the union of intervals. */
function covered(intervals: Array<[number, number]>): number {
  let total = 0;
  let [curStart, curEnd] = [-Infinity, -Infinity];
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    if (a > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      [curStart, curEnd] = [a, b];
    } else curEnd = Math.max(curEnd, b);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/** One line per activity type, slowest first. */
export function formatProfile(p: HistoryProfile): string {
  const rows = Object.entries(p.activities).sort((a, b) => b[1].runMs + b[1].queuedMs - (a[1].runMs + a[1].queuedMs));
  return [
    `total ${p.totalMs} ms; workflow tasks ${p.workflowTasks} (${p.workflowTaskMs} ms); nothing outstanding ${p.idleMs} ms`,
    ...rows.map(
      ([type, r]) =>
        `  ${type.padEnd(22)} ×${String(r.count).padStart(3)}  run ${String(r.runMs).padStart(6)} ms (avg ${Math.round(r.runMs / r.count)})  queued ${String(r.queuedMs).padStart(5)} ms (avg ${Math.round(r.queuedMs / r.count)})`,
    ),
  ].join('\n');
}
