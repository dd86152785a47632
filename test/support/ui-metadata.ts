import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

/** What the Temporal UI reads of a run, from its history and the SDK's metadata query. */
export interface UiMetadata {
  summary?: string;
  details?: string;
  searchAttributes: Record<string, unknown>;
  /** Every activity and timer the run scheduled, with its summary (undefined when it had none). */
  steps: Array<{ kind: 'activity' | 'timer'; name: string; summary?: string }>;
  /** Signals, queries and updates the workflow defines (the SDK's own `__…` ones left out). */
  handlers: Array<{ kind: 'signal' | 'query' | 'update'; name: string; description?: string }>;
  currentDetails?: string;
}

interface MetadataQueryResult {
  definition?: Partial<
    Record<
      'signalDefinitions' | 'queryDefinitions' | 'updateDefinitions',
      Array<{ name: string; description?: string }>
    >
  >;
  currentDetails?: string;
}

const text = (p: Payload | null | undefined) => (p ? defaultPayloadConverter.fromPayload<string>(p) : undefined);

/** The metadata query the UI sends to show a run's current details (its worker answers it). */
export function queryMetadata(handle: WorkflowHandle): Promise<MetadataQueryResult> {
  return handle.query<MetadataQueryResult>('__temporal_workflow_metadata');
}

/** Reads a run's UI metadata (its worker must be running: the metadata query is answered by it). */
export async function readUiMetadata(handle: WorkflowHandle): Promise<UiMetadata> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const started = events[0];
  const out: UiMetadata = {
    summary: text(started?.userMetadata?.summary),
    details: text(started?.userMetadata?.details),
    searchAttributes: (await handle.describe()).searchAttributes,
    steps: [],
    handlers: [],
  };
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes)
      out.steps.push({
        kind: 'activity',
        name: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?',
        summary: text(e.userMetadata?.summary),
      });
    if (e.timerStartedEventAttributes)
      out.steps.push({
        kind: 'timer',
        name: `timer ${e.timerStartedEventAttributes.timerId}`,
        summary: text(e.userMetadata?.summary),
      });
  }
  const meta = await queryMetadata(handle);
  for (const [kind, list] of [
    ['signal', meta.definition?.signalDefinitions],
    ['query', meta.definition?.queryDefinitions],
    ['update', meta.definition?.updateDefinitions],
  ] as const)
    for (const h of list ?? []) if (!h.name.startsWith('__')) out.handlers.push({ kind, ...h });
  out.currentDetails = meta.currentDetails;
  return out;
}

/** Everything the UI would show without an explanation: one line per gap, empty when none. */
export function uiGaps(type: string, m: UiMetadata): string[] {
  const gaps: string[] = [];
  if (!m.summary) gaps.push(`${type}: no static summary`);
  if (!m.details) gaps.push(`${type}: no static details`);
  const wf = m.searchAttributes.DockhandWorkflow;
  if (!(Array.isArray(wf) && wf[0] === type))
    gaps.push(`${type}: search attribute DockhandWorkflow is ${JSON.stringify(wf)}`);
  for (const s of m.steps)
    if (!s.summary || s.summary === s.name) gaps.push(`${type}: ${s.kind} ${s.name} has no summary`);
  for (const h of m.handlers) if (!h.description) gaps.push(`${type}: ${h.kind} ${h.name} has no description`);
  if (!m.currentDetails) gaps.push(`${type}: no current details`);
  return gaps;
}
