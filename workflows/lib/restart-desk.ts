import {
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  DeskBatchInput,
  deskEventsSignal,
  deskHandOffEndedSignal,
  restartDeskStatusQuery,
  type DeskBatch,
  type RestartDeskInput,
  type RestartDeskStatus,
} from '../../common/remediation/restart-desk';
import {
  planRestart,
  restartsStillCounted,
  stillUnhealthy,
  type RestartPolicy,
  type RestartUnhealthyRequest,
} from '../../common/remediation/restart-unhealthy';
import { remediationEventSignal, type RemediationEvent } from '../../common/remediation/signals';
import { RULE_WORKFLOWS } from '../../common/events/rules';
import { remediationId } from '../../common/workflow-ids';
import { remediationPresentation } from '../../client/remediate';
import { startPresentation } from '../../client/presentation';
import { hostAgent } from './activity-options';
import { enterPhase } from './progress';

/** The event a handed-off restartUnhealthy is started (or signalled) with. */
const handOffEvent: RemediationEvent = {
  action: 'health_status',
  status: 'unhealthy',
  timeNano: '0',
  source: 'restart desk',
};

/** What the desk remembers of one container. */
interface ContainerState {
  restartsAt: number[];
  /** The window of the policy it was last seen under: how long its restarts count. */
  windowMs: number;
  /** A look or a restart of it runs now: its further events are counted once, not acted on. */
  busy: boolean;
  /** Its budget is spent: its own restartUnhealthy (the quarantine) takes its events. */
  handedOff: boolean;
}

/**
 * A host's restart desk: the state and the signal handler of the restartDesk workflow. Every event's
 * look-and-restart is scheduled by the handler itself, in the workflow task that receives the signal,
 * and runs beside every other container's: no restart ever waits for another, nor for a batch.
 */
export class RestartDesk {
  readonly status: RestartDeskStatus;
  private readonly containers = new Map<string, ContainerState>();
  private pending: DeskBatch[];
  /** Events taken by this run (continue-as-new counts per run). */
  private handled = 0;
  /** Largest idle period among the policies seen: the desk ends after it without an event. */
  idleMs = 0;
  private readonly docker: ReturnType<typeof hostAgent>;

  constructor(
    private readonly host: string,
    private readonly eventsPerRun: number,
    carried: RestartDeskInput['carried'],
  ) {
    this.docker = hostAgent(host);
    this.status = {
      phase: 'watching',
      events: carried?.events ?? 0,
      restarts: carried?.restarts ?? 0,
      deduplicated: carried?.deduplicated ?? 0,
      inFlight: [],
      handedOff: [...(carried?.handedOff ?? [])],
      failed: 0,
    };
    for (const [name, c] of Object.entries(carried?.containers ?? {}))
      this.containers.set(name, { restartsAt: c.restartsAt, windowMs: c.windowMs, busy: false, handedOff: false });
    for (const name of carried?.handedOff ?? []) this.state(name).handedOff = true;
    this.pending = (carried?.pending ?? []) as DeskBatch[];
    this.phase('watching');
    setHandler(deskEventsSignal, (batch) => this.receive(batch), {
      description: 'Engine events for containers on this host, one rule at a time (the trigger batches them)',
    });
    setHandler(deskHandOffEndedSignal, ({ container }) => this.released(container, this.state(container)), {
      description:
        "A handed-off container's restartUnhealthy ended (released or expired): its next event starts afresh",
    });
    setHandler(restartDeskStatusQuery, () => this.status, {
      description: 'Where the desk is: {phase, events, restarts, deduplicated, inFlight, handedOff, failed}',
    });
  }

  /** The phase, the DockhandPhase search attribute and the Web UI's current details (at most a few per run). */
  phase(phase: RestartDeskStatus['phase']): void {
    this.status.phase = phase;
    const details = {
      watching: `restarting unhealthy containers of ${this.host} as their events come (each at once, beside the others)`,
      draining: 'continuing as new: restarts in flight end first; events meanwhile wait for the next run',
      done: `no event for a quiet period; ${this.status.restarts} restarts, ${this.status.deduplicated} repeated events counted once`,
    }[phase];
    enterPhase(
      phase,
      details,
      phase === 'watching' ? 'engine events (signal `deskEvents`, sent by the trigger)' : undefined,
    );
  }

  /** Time to continue as new: enough events taken here, or Temporal says the history is long. */
  wantsToContinue(): boolean {
    return this.handled >= this.eventsPerRun || workflowInfo().continueAsNewSuggested;
  }

  /** Nothing runs: a run may continue as new (nothing in flight is abandoned). */
  drained(): boolean {
    return this.status.inFlight.length === 0;
  }

  /** Nothing to wait for: nothing in flight, no quarantine handed off still open. */
  quiet(): boolean {
    return this.drained() && this.status.handedOff.length === 0;
  }

  /** Takes the batches that waited while the previous run drained. */
  takePending(): void {
    const waiting = this.pending;
    this.pending = [];
    for (const batch of waiting) this.receive(batch);
  }

  /** What the next run needs: budgets still counted, handed-off containers, batches not looked at. */
  carry(): NonNullable<RestartDeskInput['carried']> {
    const now = Date.now();
    const containers: Record<string, { restartsAt: number[]; windowMs: number }> = {};
    for (const [name, c] of this.containers) {
      const restartsAt = restartsStillCounted(c.restartsAt, now, c.windowMs).slice(-100);
      if (restartsAt.length) containers[name] = { restartsAt, windowMs: c.windowMs };
    }
    const { events, restarts, deduplicated, handedOff } = this.status;
    return { containers, handedOff, pending: this.pending, events, restarts, deduplicated };
  }

  private receive(raw: DeskBatch): void {
    const parsed = DeskBatchInput.safeParse(raw);
    if (!parsed.success) {
      log.warn(`desk batch refused: ${parsed.error.message}`);
      return;
    }
    if (this.wantsToContinue()) {
      this.pending.push(raw); // draining: the next run takes it
      if (this.status.phase !== 'draining') this.phase('draining');
      return;
    }
    const policy = parsed.data.policy;
    this.idleMs = Math.max(this.idleMs, policy.idleMs);
    for (const { container, event } of parsed.data.events) {
      this.status.events++;
      this.handled++;
      this.take(container, event, policy);
    }
  }

  private take(container: string, event: RemediationEvent, policy: RestartPolicy): void {
    const c = this.state(container);
    c.windowMs = policy.windowMs;
    if (c.busy) {
      this.status.deduplicated++;
      return;
    }
    c.busy = true;
    this.status.inFlight.push(container);
    const work = c.handedOff ? this.forward(container, c, event, policy) : this.handle(container, c, policy);
    void work
      .catch((err: Error) => {
        this.status.failed++;
        log.warn(`${container}: remediation failed: ${err.message}`, { container });
      })
      .finally(() => {
        c.busy = false;
        this.status.inFlight.splice(this.status.inFlight.indexOf(container), 1);
      });
  }

  private state(container: string): ContainerState {
    let c = this.containers.get(container);
    if (!c) this.containers.set(container, (c = { restartsAt: [], windowMs: 0, busy: false, handedOff: false }));
    return c;
  }

  /** restartUnhealthy's decisions for one event: the usual incident (no grace, no backoff, budget left)
   * looks and restarts on the host in one activity; grace and backoff wait first; a spent budget hands
   * the container to a restartUnhealthy of its own, which quarantines it exactly as before. */
  private async handle(container: string, c: ContainerState, policy: RestartPolicy): Promise<void> {
    const decision = planRestart(c.restartsAt, Date.now(), policy);
    if (decision.action === 'restart' && decision.delayMs === 0 && policy.graceMs <= 0) {
      const { restarted } = await this.docker.restartIfUnhealthy({ name: container, timeoutS: policy.stopTimeoutS });
      if (restarted) this.restarted(c);
      return;
    }
    if (!(await this.stillNeedsRestart(container, policy.graceMs))) return;
    const next = planRestart(c.restartsAt, Date.now(), policy);
    if (next.action === 'quarantine') return this.handOff(container, c, policy);
    if (next.delayMs > 0) await sleep(next.delayMs, { summary: `back off before restarting ${container}` });
    await this.docker.restartContainer({ name: container, timeoutS: policy.stopTimeoutS });
    this.restarted(c);
  }

  private restarted(c: ContainerState): void {
    c.restartsAt.push(Date.now());
    this.status.restarts++;
  }

  private async stillNeedsRestart(container: string, graceMs: number): Promise<boolean> {
    if (!stillUnhealthy(await this.docker.containerCondition({ name: container }), Date.now())) return false;
    if (graceMs <= 0) return true;
    await sleep(graceMs, { summary: `grace: look at ${container} again in ${graceMs / 1000} s` });
    return stillUnhealthy(await this.docker.containerCondition({ name: container }), Date.now());
  }

  /** The budget is spent: restartUnhealthy under the container's usual id takes over with the restarts
   * of this window, finds the budget spent and quarantines (same notification, same release rules). */
  private async handOff(container: string, c: ContainerState, policy: RestartPolicy): Promise<void> {
    const request: RestartUnhealthyRequest = {
      host: this.host,
      container,
      policy,
      desk: workflowInfo().workflowId,
      carried: { restartsAt: c.restartsAt, events: 1, restarts: c.restartsAt.length, pending: 1 },
    };
    const presentation = remediationPresentation({
      workflowType: 'restartUnhealthy',
      host: this.host,
      container,
      input: {},
      event: handOffEvent,
      summary: `restart desk on ${this.host}: ${container} spent its restart budget`,
      startedBy: `the restart desk of ${this.host} (budget spent)`,
    });
    try {
      await startChild('restartUnhealthy', {
        workflowId: this.childId(container),
        args: [request],
        parentClosePolicy: ParentClosePolicy.ABANDON, // a desk that continues as new leaves it running
        ...startPresentation(presentation),
      });
    } catch (err) {
      // A person's `dockhand remediate <c> restart` runs under the same id: that one takes the event (it
      // will not report its end here, so the container is not marked handed off).
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      await getExternalWorkflowHandle(this.childId(container)).signal(remediationEventSignal, handOffEvent);
      return;
    }
    c.handedOff = true;
    this.status.handedOff.push(container);
  }

  /** An event for a handed-off container goes to its restartUnhealthy; when that ended (released, expired),
   * this event opens a new incident. */
  private async forward(
    container: string,
    c: ContainerState,
    event: RemediationEvent,
    policy: RestartPolicy,
  ): Promise<void> {
    try {
      await getExternalWorkflowHandle(this.childId(container)).signal(remediationEventSignal, event);
    } catch {
      this.released(container, c);
      await this.handle(container, c, policy);
    }
  }

  /** The quarantine ended: the next unhealthy event starts afresh, with a whole budget. */
  private released(container: string, c: ContainerState): void {
    if (!c.handedOff) return;
    c.handedOff = false;
    c.restartsAt = [];
    const i = this.status.handedOff.indexOf(container);
    if (i >= 0) this.status.handedOff.splice(i, 1);
  }

  private childId(container: string): string {
    return remediationId(RULE_WORKFLOWS.restartUnhealthy.kind, this.host, container);
  }
}
