import { eventMs, type HistoryEvent } from './history-event';

/** One step of a workflow's history: what happened and when (server clock, epoch ms). */
export interface TimelineStep {
  at: number;
  what: string;
}

/**
 * The steps of a history from `from` on that a latency is made of: updates accepted and completed,
 * signals, workflow tasks that ran (scheduled → completed, as one step), and each activity's schedule,
 * start and close, named by type. Pure; the bench prints it to say where a rollback or an abort spent
 * its time.
 */
export function historyTimeline(events: HistoryEvent[], from: number): TimelineStep[] {
  const types = new Map<string, string>();
  const steps: TimelineStep[] = [];
  let taskScheduledAt = 0;
  for (const e of events) {
    const at = eventMs(e);
    const a = e.activityTaskScheduledEventAttributes;
    if (a) types.set(String(e.eventId), a.activityType?.name ?? '?');
    if (at < from) continue;
    const type = (id: unknown) => types.get(String(id)) ?? '?';
    if (a) steps.push({ at, what: `${type(e.eventId)} scheduled` });
    else if (e.activityTaskStartedEventAttributes)
      steps.push({ at, what: `${type(e.activityTaskStartedEventAttributes.scheduledEventId)} started` });
    else if (e.activityTaskCompletedEventAttributes)
      steps.push({ at, what: `${type(e.activityTaskCompletedEventAttributes.scheduledEventId)} completed` });
    else if (e.activityTaskFailedEventAttributes)
      steps.push({ at, what: `${type(e.activityTaskFailedEventAttributes.scheduledEventId)} failed` });
    else if (e.workflowExecutionUpdateAcceptedEventAttributes) steps.push({ at, what: 'update accepted' });
    else if (e.workflowExecutionUpdateCompletedEventAttributes) steps.push({ at, what: 'update completed' });
    else if (e.workflowExecutionSignaledEventAttributes)
      steps.push({ at, what: `signal ${e.workflowExecutionSignaledEventAttributes.signalName}` });
    else if (e.workflowTaskScheduledEventAttributes) taskScheduledAt = at;
    else if (e.workflowTaskCompletedEventAttributes)
      steps.push({ at, what: `workflow task (${at - Math.max(taskScheduledAt, from)} ms)` });
  }
  return steps;
}

/** "+0.08 update accepted, +0.11 answerIdentity scheduled, …" relative to `origin`, up to the first step
 * that matches `until` (inclusive). Pure. */
export function formatTimeline(steps: TimelineStep[], origin: number, until?: RegExp): string {
  const end = until ? steps.findIndex((s) => until.test(s.what)) : -1;
  return (end >= 0 ? steps.slice(0, end + 1) : steps)
    .map((s) => `+${((s.at - origin) / 1000).toFixed(2)} ${s.what}`)
    .join(', ');
}
