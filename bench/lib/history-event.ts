import type { temporal } from '@temporalio/proto';

/** One event of a workflow history, as the client's fetchHistory returns it. */
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** When the server recorded an event: epoch milliseconds (whole ms; the histories' nanos are finer). */
export function eventMs(e: HistoryEvent): number {
  const t = e.eventTime!;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}
