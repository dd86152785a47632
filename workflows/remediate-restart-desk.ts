import { condition, continueAsNew } from '@temporalio/workflow';
import { RestartDeskInput, type RestartDeskRequest, type RestartDeskResult } from '../common/remediation/restart-desk';
import { validate } from '../common/spec/validate';
import { RestartDesk } from './lib/restart-desk';

/**
 * A host's restart desk: restartUnhealthy for every container of one host that a rule with
 * `"batch": "host"` watches, in one workflow (remediate/restart-desk/<host>) instead of one per container.
 *
 * Why: the Temporal dev server starts ~50 workflows a second, so one start per event caps the trigger
 * there; a desk takes many events per signal (the trigger batches a host's events only while its previous
 * signal is in flight) and starts nothing.
 *
 * Latency: the signal handler schedules each event's look-and-restart in the workflow task that receives
 * it, beside every other container's — no restart waits for another one or for a batch. Repeated events of
 * a container whose look or restart runs count once. Same decisions as restartUnhealthy (budget per window,
 * backoff, grace, start period); a container whose budget is spent is handed to a restartUnhealthy of its
 * own (its usual id), which quarantines, notifies and waits for a release as it always did.
 *
 * History: it continues as new after `eventsPerRun` events or when Temporal suggests it (M9), once
 * the restarts in flight ended; batches arriving meanwhile are carried to the next run. It ends after the
 * longest `idleMs` among its rules without an event, when nothing runs and no quarantine is open.
 */
export async function restartDesk(request: RestartDeskRequest): Promise<RestartDeskResult> {
  const { host, eventsPerRun, carried } = validate(RestartDeskInput, request, 'input');
  const desk = new RestartDesk(host, eventsPerRun, carried);
  desk.takePending();
  for (;;) {
    const seen = desk.status.events;
    // One timer per idle period, not one per signal: the desk ends one to two idle periods after its last event.
    const ready = await condition(() => desk.wantsToContinue() && desk.drained(), Math.max(desk.idleMs, 1_000), {
      summary: 'idle: end when no event came and nothing runs',
    });
    if (ready) await continueAsNew<typeof restartDesk>({ host, eventsPerRun, carried: desk.carry() });
    if (desk.status.events === seen && desk.quiet()) break;
  }
  desk.phase('done');
  const { events, restarts, deduplicated, failed } = desk.status;
  return { events, restarts, deduplicated, failed };
}
