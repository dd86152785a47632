import { eventMs, type HistoryEvent } from './history-event';

/** Activities that restart: the look-then-restart path's, and the one that looks and restarts on the host. */
const RESTARTS = ['restartContainer', 'restartIfUnhealthy'];

/** Where one incident's time went, from the engine's unhealthy event to the engine's kill of the restart
 * (ms; a stage is undefined when its end could not be found). */
export interface IncidentStages {
  /** Engine event → job in the queue: the host agent reading the stream and adding the job. */
  publish?: number;
  /** Job in the queue → a trigger worker takes it. */
  queued?: number;
  /** Taken → the signal is in the workflow's history: rules and signal-with-start. */
  deliver?: number;
  /** Signal → the restart activity scheduled: the workflow deciding (and, the long way, looking first). */
  decide?: number;
  /** Restart activity scheduled → started on the host agent. */
  dispatch?: number;
  /** Activity started → the engine's kill event (with restartIfUnhealthy, the look on the host too). */
  engine?: number;
}
const STAGES = ['publish', 'queued', 'deliver', 'decide', 'dispatch', 'engine'] as const;

/** What the bench knows about one incident: the engine's two events (ns since the epoch), the job the
 * unhealthy event became (BullMQ's ms timestamps), and the remediation workflow's history. */
export interface IncidentRecord {
  unhealthyNs: bigint;
  killNs: bigint;
  job?: { timestamp: number; processedOn?: number };
  history: HistoryEvent[];
  /** The timeNano a signal carried (decoded from its payload by the caller). */
  signalTimeNano: (e: HistoryEvent) => string | undefined;
  /** Whether a restart activity is this incident's (a host's restart desk restarts many containers in one
   * history); absent: any restart is. */
  restartOf?: (e: HistoryEvent) => boolean;
}

const nsToMs = (ns: bigint) => Number(ns / 1_000_000n);

/** Splits one incident into stages. Pure. The signal is the one that carried this unhealthy event's
 * timeNano; the restart is the first restart activity (of its container, with `restartOf`) scheduled after it. */
export function incidentStages(r: IncidentRecord): IncidentStages {
  const out: IncidentStages = {};
  const unhealthyMs = nsToMs(r.unhealthyNs);
  if (r.job) {
    out.publish = r.job.timestamp - unhealthyMs;
    if (r.job.processedOn !== undefined) out.queued = r.job.processedOn - r.job.timestamp;
  }
  const wanted = r.unhealthyNs.toString();
  const signalIdx = r.history.findIndex(
    (e) => e.workflowExecutionSignaledEventAttributes && r.signalTimeNano(e) === wanted,
  );
  if (signalIdx < 0) return out;
  const signal = r.history[signalIdx]!;
  if (r.job?.processedOn !== undefined) out.deliver = eventMs(signal) - r.job.processedOn;
  const scheduled = r.history
    .slice(signalIdx)
    .find(
      (e) =>
        RESTARTS.includes(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '') &&
        (r.restartOf?.(e) ?? true),
    );
  if (!scheduled) return out;
  out.decide = eventMs(scheduled) - eventMs(signal);
  const started = r.history.find(
    (e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '') === String(scheduled.eventId),
  );
  if (!started) return out;
  out.dispatch = eventMs(started) - eventMs(scheduled);
  out.engine = nsToMs(r.killNs) - eventMs(started);
  return out;
}

/** p50/p99 of every stage over many incidents. */
export function summarizeStages(all: IncidentStages[]): Record<string, { p50: number; p99: number; n: number }> {
  const out: Record<string, { p50: number; p99: number; n: number }> = {};
  for (const s of STAGES) {
    const v = all
      .map((x) => x[s])
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    if (v.length) out[s] = { p50: percentile(v, 50), p99: percentile(v, 99), n: v.length };
  }
  return out;
}

/** Nearest-rank percentile of an ascending list (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
