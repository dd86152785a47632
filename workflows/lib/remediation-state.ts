import { condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { IncidentNote } from '../../common/remediation/notification';
import {
  remediationEventSignal,
  remediationStatusQuery,
  type RemediationEvent,
  type RemediationStatus,
} from '../../common/remediation/signals';
import { orchestratorActivities } from './activity-options';
import { notifyDetached } from './notify';
import { enterPhase } from './progress';

/** The inbox of a remediation workflow: events signalled to it (signal-with-start coalesces a storm
 * into this one workflow), and the status query the CLI and the UI read. */
export class RemediationInbox {
  readonly status: RemediationStatus = { phase: 'starting', events: 0, restarts: 0, changes: [] };
  private pending = 0;
  /** Events looked at by this run (continue-as-new counts per run). */
  private handled = 0;
  last?: RemediationEvent;

  constructor(initial: number) {
    this.pending = initial;
    setHandler(
      remediationEventSignal,
      (e) => {
        this.pending++;
        this.status.events++;
        this.last = e;
      },
      { description: 'Another engine event for this container (the trigger sends it; the incident takes it in)' },
    );
    setHandler(remediationStatusQuery, () => this.status, {
      description: 'Where this remediation is: {phase, events, restarts, changes}',
    });
  }

  /** Waits for the next event(s); false after `idleMs` without one. Events that arrived meanwhile
   * are taken together: the workflow looks at the container's real state, not at each event. */
  async next(idleMs: number): Promise<boolean> {
    this.phase(
      'watching',
      `waiting for the next event (ends after ${Math.round(idleMs / 1000)}s without one)`,
      'the next engine event for this container (signal `remediationEvent`, sent by the trigger)',
    );
    const got = await condition(() => this.pending > 0, idleMs, { summary: 'idle: end unless another event comes' });
    this.handled += this.pending;
    this.pending = 0;
    return got;
  }

  /** Events that arrived but were not looked at yet: a run that continues as new hands them on. */
  get unread(): number {
    return this.pending;
  }

  /** Continues as new once `eventsPerRun` events were handled here or Temporal says the history is long
   * (review M9): `start` starts the next run with what it carries on, given the counts it needs. */
  async continueAsNewWhenDue(
    eventsPerRun: number,
    start: (counts: { events: number; pending: number }) => Promise<never>,
  ): Promise<void> {
    const due = this.handled >= eventsPerRun || workflowInfo().continueAsNewSuggested;
    if (due && patched('remediation-continue-as-new'))
      await start({ events: this.status.events, pending: this.unread });
  }

  phase(phase: string, details: string, waitsOn?: string): void {
    this.status.phase = phase;
    enterPhase(phase, details, waitsOn);
  }
}

/** Marker: incident notes go to every channel without holding the workflow (runs recorded before it
 * awaited the webhook-only `notify` activity, up to its 10 minutes of retries on a dead channel). */
const NOTIFY_DETACHED = 'notify-incident-detached';

/** Notifies people about this workflow, with a key stable for the incident (once per workflow and step). */
export async function notifyOnce(host: string, container: string, note: IncidentNote): Promise<void> {
  if (patched(NOTIFY_DETACHED)) {
    const { key, ...rest } = note;
    return notifyDetached({ ...rest, step: key, host, container });
  }
  const { workflowId, runId } = workflowInfo();
  await orchestratorActivities().notify({
    ...note,
    key: `${workflowId}/${runId}/${note.key}`,
    host,
    container,
    workflowId,
    runId,
  });
}
