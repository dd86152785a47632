import type { EngineEvent } from './engine-event';

/** The part of a stopped container's inspect the reconcile reads. */
export interface StoppedContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  exitCode: number;
  oomKilled: boolean;
  /** State.FinishedAt (ISO). */
  finishedAt: string;
}

/**
 * The events a host agent missed while it was away, as far as stopped containers tell: each one that
 * finished after the cursor gets its "oom" (when the OOM killer ended it) and its "die" with the exit
 * code, stamped with its finish time (source "sweep"), so reconciling twice publishes the same jobs.
 * Pure.
 */
export function missedExitEvents(host: string, stopped: StoppedContainer[], cursorNano: string): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (const c of stopped) {
    const finishedMs = Date.parse(c.finishedAt);
    if (!Number.isFinite(finishedMs) || finishedMs <= 0) continue; // never ran ("0001-01-01…")
    const timeNano = `${BigInt(finishedMs) * 1_000_000n}`;
    if (BigInt(timeNano) <= BigInt(cursorNano)) continue;
    const base = {
      source: 'sweep' as const,
      host,
      type: 'container' as const,
      id: c.id,
      name: c.name,
      labels: c.labels,
      timeNano,
    };
    if (c.oomKilled) events.push({ ...base, action: 'oom' });
    events.push({ ...base, action: 'die', exitCode: c.exitCode });
  }
  return events;
}
