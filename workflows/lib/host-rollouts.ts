import {
  CancellationScope,
  condition,
  ParentClosePolicy,
  setHandler,
  startChild,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { HostFailure } from '../../common/fleet';
import {
  fleetCommitSignal,
  fleetHostHeldSignal,
  hostRolloutId,
  hostRolloutRequest,
  type FleetRollingInput,
} from '../../common/fleet-rolling';
import { hostAfterRollback } from '../../common/fleet-rolling-plan';
import type { RollingUpdateResult } from '../../common/rolling-update';
import type { rollingUpdate } from '../rolling-update';
import type { FleetRollingProgress } from './fleet-rolling-progress';
import { isHostLoss } from './host-loss';
import { messageOf } from './saga';

type Ended = { result?: RollingUpdateResult; error?: unknown };

/**
 * The per-host rollouts of a fleet rollout: one `rollingUpdate` child per host (`deploy/<service>/<host>`),
 * each holding once rolled until `commit`. Any host's rollout ending before the commit is a failure of
 * the fleet (`failed` resolves with it); `rollBack` cancels every host's rollout — each puts its replaced
 * replicas back — and waits for all of them to end.
 */
export class HostRollouts {
  readonly failures: HostFailure[] = [];
  private readonly held = new Set<string>();
  private readonly started = new Map<string, ChildWorkflowHandle<typeof rollingUpdate>>();
  private readonly ended = new Map<string, Promise<Ended>>();
  /** Cancelling it cancels every host's rollout (and the parent's cancellation reaches it too). */
  private readonly scope = new CancellationScope();
  /** Past these, a rollout ending is the fleet's own doing, not a host failing. */
  private committing = false;
  private rollingBack = false;
  private failedNow?: () => void;
  /** Resolves at the first host failure (never when none). */
  readonly failed = new Promise<void>((resolve) => (this.failedNow = resolve));

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

  /** Starts the wave's rollouts; returns once every one holds, or at the first failure of any host. */
  async roll(wave: string[]): Promise<void> {
    await this.scope.run(() => Promise.all(wave.map((host) => this.start(host))));
    await Promise.race([condition(() => wave.every((h) => this.held.has(h))), this.failed]);
  }

  /** Every held host finishes (removes its replaced replicas); their results, in the order of hosts. */
  async commit(): Promise<Array<{ host: string; workflowId: string; result: RollingUpdateResult }>> {
    this.committing = true;
    await Promise.all([...this.started.values()].map((h) => h.signal(fleetCommitSignal)));
    const out = [];
    for (const [host, handle] of this.started) {
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
      const ended = await this.ended.get(host);
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
      this.failedNow!();
    });
  }
}

/** The result a rolled-back rollout carries as its failure's details (absent for other failures). */
function rolledBackDetails(error: unknown): RollingUpdateResult | undefined {
  let e = error as { cause?: unknown; details?: unknown[] } | undefined;
  while (e && !e.details?.length) e = e.cause as typeof e;
  const d = e?.details?.[0] as RollingUpdateResult | undefined;
  return d && typeof d === 'object' && 'outcome' in d ? d : undefined;
}
