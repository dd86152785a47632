import {
  CancellationScope,
  condition,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { HostFailure } from '../../common/fleet';
import { afterHostFailures } from '../../common/fleet-plan';
import { fleetRepairPresentation, type RollingHostRepair } from '../../common/fleet-repair';
import {
  fleetCommitSignal,
  fleetHostHeldSignal,
  hostLossOf,
  hostRolloutId,
  hostRolloutRequest,
  type FleetRollingInput,
} from '../../common/fleet-rolling';
import { edgeName } from '../../common/rolling-update';
import { fleetRepairId } from '../../common/workflow-ids';
import { hostAfterRollback } from '../../common/fleet-rolling-plan';
import type { RollingUpdateResult } from '../../common/rolling-update';
import type { rollingUpdate } from '../rolling-update';
import type { FleetRollingProgress } from './fleet-rolling-progress';
import { fleetHostFailed, isHostLoss } from './host-loss';
import { messageOf } from './saga';

type Ended = { result?: RollingUpdateResult; error?: unknown };
/** Runs started since give a host whose agent stopped answering a fleetHostRepair (older runs listed it
 * as not as before). */
const ROLLING_HOST_REPAIR = 'fleet-rolling-host-repair';

/**
 * The per-host rollouts of a fleet rollout: one `rollingUpdate` child per host (`deploy/<service>/<host>`),
 * each holding once rolled until `commit`. Any host's rollout ending before the commit is a failure of
 * the fleet, decided as the blue-green fleet decides (afterHostFailures): the fleet rolls back, or, for
 * hosts that stopped answering under `hostLoss.policy: continue`, goes on without them. `rollBack`
 * cancels every host's rollout — each puts its replaced replicas back — and waits for all of them to
 * end. A lost host (its rollout ended undoing nothing) gets a fleetHostRepair that waits for its agent.
 */
export class HostRollouts {
  /** Hosts that failed, not yet decided about (or the failures the fleet rolls back for). */
  readonly failures: HostFailure[] = [];
  /** Hosts left behind (policy continue), each with a repair. */
  readonly lost: HostFailure[] = [];
  private readonly repairs = new Map<string, string>();
  private readonly held = new Set<string>();
  private readonly started = new Map<string, ChildWorkflowHandle<typeof rollingUpdate>>();
  private readonly ended = new Map<string, Promise<Ended>>();
  /** Cancelling it cancels every host's rollout (and the parent's cancellation reaches it too). */
  private readonly scope = new CancellationScope();
  /** Past these, a rollout ending is the fleet's own doing, not a host failing. */
  private committing = false;
  private rollingBack = false;

  constructor(
    private readonly input: FleetRollingInput,
    private readonly progress: FleetRollingProgress,
  ) {
    setHandler(
      fleetHostHeldSignal,
      (host) => {
        this.held.add(host);
        progress.host(host, 'held', 'every replica rolled; replaced ones kept until the fleet commits');
      },
      { description: "From a host's rollout (its child): every replica rolled, it holds until the fleet commits" },
    );
  }

  /** Starts the wave's rollouts (not those of hosts left behind already); returns once every one holds
   * or was left behind. A failure of any host is decided at once (see `decide`). */
  async roll(wave: string[]): Promise<void> {
    const going = wave.filter((h) => !this.isLost(h));
    await this.scope.run(() => Promise.all(going.map((host) => this.start(host))));
    do await condition(() => this.failures.length > 0 || wave.every((h) => this.held.has(h) || this.isLost(h)));
    while (await this.decide());
  }

  /** Resolves once some host failed (never when none). */
  whenFailed(): Promise<void> {
    return condition(() => this.failures.length > 0);
  }

  /**
   * The hosts that failed: the fleet rolls back (thrown), or goes on without those that stopped
   * answering when the host-loss policy allows it — each gets its repair. True when some were left.
   */
  async decide(): Promise<boolean> {
    if (this.failures.length === 0) return false;
    const active = this.input.hosts.filter((h) => !this.isLost(h));
    const decision = afterHostFailures(active, this.failures, hostLossOf(this.input));
    if (decision.action === 'rollback') throw fleetHostFailed(decision.reason, this.failures);
    for (const f of this.failures.splice(0)) {
      this.lost.push(f);
      await this.repair(f.host);
    }
    return true;
  }

  /**
   * Hosts that failed before their rollout started (the pull): the fleet rolls back (thrown), or goes on
   * without those that stopped answering when the policy allows it. Nothing changed on them: no repair.
   */
  leaveBehind(failures: HostFailure[]): void {
    const active = this.input.hosts.filter((h) => !this.isLost(h));
    const decision = afterHostFailures(active, failures, hostLossOf(this.input));
    if (decision.action === 'rollback') throw fleetHostFailed(decision.reason, failures);
    this.lost.push(...failures);
    for (const f of failures) this.progress.host(f.host, 'lost', `${f.cause}; nothing of this rollout on it`);
  }

  /** Every held host finishes (removes its replaced replicas); their results, in the order of hosts. */
  async commit(): Promise<Array<{ host: string; workflowId: string; result: RollingUpdateResult }>> {
    this.committing = true;
    const going = [...this.started].filter(([host]) => !this.isLost(host));
    await Promise.all(going.map(([, h]) => h.signal(fleetCommitSignal)));
    const out = [];
    for (const [host, handle] of going) {
      const { result, error } = await this.ended.get(host)!;
      if (!result) throw error;
      this.progress.host(host, 'committed', `${result.outcome}: ${result.updated.length} replicas rolled`);
      out.push({ host, workflowId: handle.workflowId, result });
    }
    return out;
  }

  /** Cancels every host's rollout and waits until each has put its replicas back; returns, per host,
   * what is not as before (empty: every host as before the rollout). */
  async rollBack(): Promise<string[]> {
    this.rollingBack = true;
    this.scope.cancel();
    const notBack: string[] = [];
    for (const host of this.input.hosts) {
      if (this.isLost(host) && !this.started.has(host)) continue; // lost at the pull: nothing to put back
      const ended = await this.ended.get(host);
      // Its rollout undid nothing (its agent did not answer): a repair does once the agent is back.
      if ((this.isLost(host) || isHostLoss(ended?.error)) && (await this.repair(host))) continue;
      const result = ended && (ended.result ?? rolledBackDetails(ended.error));
      const after =
        ended && !result ? { step: 'NOT as before', details: messageOf(ended.error) } : hostAfterRollback(result);
      if (after.step !== 'rolled back') notBack.push(`${host}: ${after.details}`);
      this.progress.host(host, after.step, after.details);
    }
    return notBack;
  }

  private async start(host: string): Promise<void> {
    const workflowId = hostRolloutId(this.input.service, host);
    const handle = await startChild<typeof rollingUpdate>('rollingUpdate', {
      workflowId,
      args: [hostRolloutRequest(this.input, host)],
      // A fleet rollout that ends without answering (terminated) cancels its hosts: they roll back.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: `host ${host} of the fleet rollout of ${this.input.service} to ${this.input.spec.image}`,
    });
    this.started.set(host, handle);
    this.progress.status.children[host] = workflowId;
    this.progress.host(host, 'rolling', `${workflowId}: replicas to ${this.input.spec.image}`);
    const ended: Promise<Ended> = handle.result().then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    this.ended.set(host, ended);
    void ended.then(({ error }) => {
      if (this.committing || this.rollingBack) return;
      const cause = error ? messageOf(error) : 'its rollout ended before the fleet committed';
      this.failures.push({ host, cause, lost: isHostLoss(error) });
      this.progress.host(host, 'failed', cause);
    });
  }

  private isLost(host: string): boolean {
    return this.lost.some((l) => l.host === host);
  }

  /** Starts (once) the repair of a host that stopped answering: its own workflow, outliving the fleet,
   * that waits for the agent and puts back what the host's rollout kept. False in older runs. */
  private async repair(host: string): Promise<boolean> {
    let workflowId = this.repairs.get(host);
    if (!workflowId) {
      if (!patched(ROLLING_HOST_REPAIR)) return false;
      const { service, edge, healthTimeout, parallelism } = this.input;
      workflowId = fleetRepairId(service, host, workflowInfo().runId);
      const request: RollingHostRepair = {
        rolling: {
          service,
          host,
          edge: { name: edgeName(service, edge), targetPort: edge.targetPort },
          healthTimeoutMs: healthTimeout,
          parallelism,
        },
      };
      await startChild('fleetHostRepair', {
        workflowId,
        args: [request],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        ...fleetRepairPresentation(request),
      });
      this.repairs.set(host, workflowId);
    }
    this.progress.host(host, 'lost', `not answering; ${workflowId} puts it back when its agent returns`);
    return true;
  }
}

/** The result a rolled-back rollout carries as its failure's details (absent for other failures). */
function rolledBackDetails(error: unknown): RollingUpdateResult | undefined {
  let e = error as { cause?: unknown; details?: unknown[] } | undefined;
  while (e && !e.details?.length) e = e.cause as typeof e;
  const d = e?.details?.[0] as RollingUpdateResult | undefined;
  return d && typeof d === 'object' && 'outcome' in d ? d : undefined;
}
