import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { DeskBatch } from '../../common/remediation/restart-desk';
import { restartDeskId } from '../../common/remediation/restart-desk';
import type { HistoryEvent } from './history-event';

/** Every run of a host's restart desk, oldest first, as one list of events (it continues as new: the
 * runs are followed back from the latest through each start's continuedExecutionRunId). */
export async function deskHistory(client: Client, host: string): Promise<HistoryEvent[]> {
  const id = restartDeskId(host);
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined = (await client.workflow.getHandle(id).describe()).runId;
  while (runId) {
    const events: HistoryEvent[] = (await client.workflow.getHandle(id, runId).fetchHistory()).events ?? [];
    runs.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs.flat();
}

/** The events a desk signal carried (container and timeNano), or [] for any other history event. */
export function deskSignalEvents(e: HistoryEvent): Array<{ container: string; timeNano: string }> {
  const a = e.workflowExecutionSignaledEventAttributes;
  const p = a?.signalName === 'deskEvents' ? a.input?.payloads?.[0] : undefined;
  if (!p) return [];
  return defaultPayloadConverter
    .fromPayload<DeskBatch>(p)
    .events.map((x) => ({ container: x.container, timeNano: x.event.timeNano }));
}

/** The container a restart activity was scheduled for (its input's `name`). */
export function activityContainer(e: HistoryEvent): string | undefined {
  const p = e.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
  return p ? defaultPayloadConverter.fromPayload<{ name?: string }>(p).name : undefined;
}
