import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import type { EdgeState } from '../../activities/traffic/edge-state';
import type { BlueGreenInput } from '../../common/blue-green';
import type { BlueGreenPlan } from '../../common/blue-green-plan';
import type { HostFailure, HostLossPolicy, HostProgress } from '../../common/fleet';
import { afterHostFailures } from '../../common/fleet-plan';
import { fleetRepairPresentation } from '../../common/fleet-repair';
import { fleetRepairId } from '../../common/workflow-ids';
import { hostAgent, type HostAgent } from './activity-options';
import { whileProbing } from './agent-probes';
import { fleetHostFailed, isHostLoss } from './host-loss';
import type { UndoFailure } from '../../common/errors';
import { compensationIncomplete, leftOver, messageOf, Saga } from './saga';

/** An undo that failed on one host of a fleet. */
export interface HostUndoFailure {
  host: string;
  what: string;
  error: string;
}

/** The progress a fleet change reports its failure on: the cause, the undos that failed, the phase. */
interface FleetFailureProgress {
  status: { failure?: string; undoFailures?: UndoFailure[] };
  enter(phase: 'compensating' | 'failed', details: string): void;
}

/** What a fleet change says when it fails: what the undo does, and what is as before when every undo
 * worked — or, once the change is final (nothing left to undo), what is left instead. */
export interface FleetFailureTexts {
  undoing: string;
  asBefore: string;
  final?: string;
}

/** A fleet change's way out on failure: every host's undos (FleetRun.compensate), then the `failed` phase
 * says where that leaves things; returns the error to end with — the cause when every host that answers
 * is as before (or the change was final), else "compensation incomplete" naming what is left host by host. */
export async function undoEveryHost(
  fleet: FleetRun,
  progress: FleetFailureProgress,
  err: unknown,
  texts: FleetFailureTexts,
  final = false,
): Promise<unknown> {
  const why = (err as Error).message;
  progress.status.failure = why;
  progress.enter('compensating', `${texts.undoing} because: ${why}`);
  const left = await fleet.compensate();
  if (final || left.length === 0) {
    progress.enter('failed', `${why}. ${final ? texts.final : texts.asBefore}`);
    return err;
  }
  progress.status.undoFailures = left;
  const what = leftOver(left.map((l) => ({ what: `${l.host}: ${l.what}`, error: l.error })));
  progress.enter('failed', `${why}. NOT as before: ${what}`);
  return compensationIncomplete(err, left);
}

/** One host of a fleet change: its agent (bounded by the host-loss timeout), its own saga, and what
 * its steps learned (the plan, the edge's port). */
export interface HostRun {
  host: string;
  input: BlueGreenInput;
  docker: HostAgent;
  saga: Saga;
  plan?: BlueGreenPlan;
  edgeState?: EdgeState;
  edgePort?: number;
  /** The service's image is on the host (pulled, pinned) already: the boot does not ensure it again. */
  imageReady?: boolean;
  /** The step this host is in and its line (what the Web UI lists per host). */
  progress: HostProgress;
}

/**
 * The hosts of a fleet change and the all-or-none rule. `each` runs one step on several hosts side by
 * side and lets every one of them finish (so every saga holds the undos of what its host did) before
 * deciding: any failure rolls the fleet back (a thrown FleetHostFailed), except hosts that stopped
 * answering under policy `continue` — those are left behind with a repair that waits for their agent.
 */
export class FleetRun {
  readonly runs: HostRun[];
  readonly lost: HostFailure[] = [];
  private readonly repaired = new Set<string>();

  constructor(
    hosts: string[],
    inputOf: (host: string) => BlueGreenInput,
    private readonly policy: HostLossPolicy,
    private readonly onChange: (p: HostProgress) => void,
  ) {
    this.runs = hosts.map((host) => ({
      host,
      input: inputOf(host),
      docker: hostAgent(host, { agentPickupMs: policy.timeout }),
      saga: new Saga(),
      progress: { host, step: 'waiting', details: '' },
    }));
  }

  /** Hosts still in the change (not left behind). */
  get active(): HostRun[] {
    return this.runs.filter((r) => !this.lost.some((l) => l.host === r.host));
  }

  mark(run: HostRun, step: string, details = ''): void {
    run.progress = { host: run.host, step, details };
    this.onChange(run.progress);
  }

  /** Runs `step` on `runs` side by side; see the class comment for what a failure does. */
  async each(name: string, runs: HostRun[], step: (run: HostRun) => Promise<string | void>): Promise<void> {
    const settled = await Promise.allSettled(
      runs.map(async (run) => {
        this.mark(run, name, '…');
        this.mark(run, name, (await step(run)) ?? 'done');
      }),
    );
    const failures = settled.flatMap((s, i) =>
      s.status === 'rejected' ? [{ host: runs[i]!.host, cause: messageOf(s.reason), lost: isHostLoss(s.reason) }] : [],
    );
    await this.decide(name, failures);
  }

  /**
   * Waits for `wait` (an approval, a bake) while probing every active host's agent (agent-probes.ts): a
   * host found lost meanwhile is decided at once, as a host lost in a step (`decide`), its line naming
   * `name` and since when it has not answered.
   */
  probing<T>(name: string, wait: Promise<T>, waitMs: number): Promise<T> {
    return whileProbing(wait, {
      hosts: () => this.active.map((r) => r.host),
      agentPickupMs: this.policy.timeout,
      waitMs,
      lost: (f) => this.decide(name, [f]),
    });
  }

  /** Hosts that failed in `name`: the fleet rolls back (a thrown FleetHostFailed), or leaves behind
   * those that stopped answering when the policy allows it, each with a repair. */
  private async decide(name: string, failures: HostFailure[]): Promise<void> {
    if (failures.length === 0) return;
    for (const f of failures) this.mark(this.runOf(f.host), f.lost ? 'lost' : 'failed', `${name}: ${f.cause}`);
    const decision = afterHostFailures(
      this.active.map((r) => r.host),
      failures,
      this.policy,
    );
    if (decision.action === 'rollback') throw fleetHostFailed(decision.reason, failures);
    this.lost.push(...failures);
    for (const f of failures) await this.repair(this.runOf(f.host));
  }

  private runOf(host: string): HostRun {
    return this.runs.find((r) => r.host === host)!;
  }

  /**
   * Undoes every host's part, side by side (each host's undos in reverse). A host known lost gets a
   * repair instead (its undos would only time out again); an undo that times out the same way starts
   * one too. Returns the undos that failed otherwise.
   */
  async compensate(): Promise<HostUndoFailure[]> {
    const lostNow = new Set(this.lost.map((l) => l.host));
    const left = await Promise.all(
      this.runs.map(async (run) => {
        if (lostNow.has(run.host)) return [];
        this.mark(run, 'undoing', run.saga.pending.join('; ') || 'nothing to undo');
        const failed = await run.saga.compensate();
        if (failed.length === 0) return (this.mark(run, 'rolled back', 'as before this deploy'), []);
        if (failed.some((f) => f.lost)) return (await this.repair(run), []);
        this.mark(run, 'NOT as before', failed.map((f) => `${f.what}: ${f.error}`).join('; '));
        return failed.map(({ what, error }) => ({ host: run.host, what, error }));
      }),
    );
    return left.flat();
  }

  /** Starts (once) the repair of a host that stopped answering: a workflow of its own that waits for
   * the agent and puts the host back as it was (the same idempotent undos), outliving this one. */
  private async repair(run: HostRun): Promise<void> {
    if (this.repaired.has(run.host) || !run.plan) return this.mark(run, 'lost', 'nothing of this deploy on it');
    this.repaired.add(run.host);
    const workflowId = fleetRepairId(run.input.service, run.host, workflowInfo().runId);
    const request = { input: run.input, plan: run.plan };
    await startChild('fleetHostRepair', {
      workflowId,
      args: [request],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...fleetRepairPresentation(request),
    });
    this.mark(run, 'lost', `not answering; ${workflowId} puts it back when its agent returns`);
  }
}
