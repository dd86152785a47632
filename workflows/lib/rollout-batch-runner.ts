import { isCancellation } from '@temporalio/workflow';
import {
  candidateName,
  previousName,
  replicaLabels,
  replicaName,
  type ReplicaFailure,
  type RollingUpdateInput,
} from '../../common/rolling-update';
import type { ContainerSpec } from '../../common/spec/container-spec';
import type { HostAgent } from './activity-options';
import { isHostLoss } from './host-loss';
import type { EdgeUpstream } from './rollout-edge';
import type { StartFirstPromoter } from './rollout-promoter';
import { bySlot, reasonOf, type RolloutUndoLog, type SlotChange } from './rollout-undo';

export interface BatchSettings {
  service: string;
  spec: ContainerSpec;
  order: 'stop-first' | 'start-first';
  monitorMs: number;
  healthTimeoutMs: number;
  /** A fleet's host: a call its agent never picked up ends the batch (thrown), not a failed replica. */
  endOnHostLoss?: boolean;
}

/** The batch settings a rolling update's input gives (both the current and the v1 runner read them). */
export function batchSettings(input: RollingUpdateInput, spec: ContainerSpec): BatchSettings {
  const { service, order, monitor, healthTimeout } = input;
  return { service, spec, order, monitorMs: monitor, healthTimeoutMs: healthTimeout };
}

/**
 * Carries out batches: stop-first (leave the edge, stop the old replica and keep it as -prev, start
 * the new one, healthy, join) or start-first (start -next beside the old one, healthy, then the
 * promoter switches the edge and hands the name over). Each new replica is then watched for the
 * monitor period while the next batch goes on, as Swarm does; a failure inside that window counts.
 * Every change goes into the undo log before it is made.
 */
export class BatchRunner {
  readonly failures: ReplicaFailure[] = [];
  /** The first call the host's agent never picked up (with endOnHostLoss): the host is lost. */
  lostHost?: unknown;
  private readonly failing = new Set<number>();
  private readonly monitors: Array<Promise<void>> = [];

  constructor(
    private readonly docker: HostAgent,
    private readonly edge: EdgeUpstream,
    private readonly settings: BatchSettings,
    private readonly undo: RolloutUndoLog,
    private readonly promoter: StartFirstPromoter,
  ) {}

  /** Slots whose latest attempt failed (during its batch or its monitor period). */
  get failingSlots(): number[] {
    return [...this.failing].sort((a, b) => a - b);
  }

  /** Replicas brought to the target spec (before any rollback). */
  get updated(): string[] {
    return this.undo
      .slots(['added', 'replaced'])
      .filter((slot) => !this.failing.has(slot))
      .map(this.final);
  }

  /** Updates one batch. `upcoming` is the next batch when it follows at once: stop-first lets its
   * originals leave the edge in the reload that lets this batch join; start-first launches their
   * successors now, gated at the agent on this batch's health. */
  async run(slots: number[], upcoming: number[]): Promise<void> {
    this.promoter.throwIfFailed();
    slots.forEach((slot) => this.failing.delete(slot));
    if (this.settings.order === 'start-first') await this.startFirst(slots, upcoming);
    else await this.stopFirst(slots, upcoming);
  }

  /** The edge's config for the replicas that serve now, before the first change. Start-first does it
   * behind the first batch (nothing on the edge changes before that batch's switch, which queues after
   * it); stop-first waits for it, as its first batch leaves the edge before stopping. */
  async syncEdge(): Promise<void> {
    if (this.settings.order === 'start-first') this.promoter.inBackground(() => this.edge.sync());
    else await this.edge.sync();
  }

  /** Waits until every monitor window has passed and the background work is done; after the last
   * batch, the edge's config is rewritten with the final names meanwhile. */
  async settle(last: boolean): Promise<void> {
    if (last) this.promoter.inBackground(() => this.edge.flushNames());
    await this.promoter.settle();
    await Promise.all(this.monitors.splice(0));
  }

  private async stopFirst(slots: number[], upcoming: number[]): Promise<void> {
    await this.edge.leave(slots.map(this.final));
    const up = await this.each(slots, async (slot) => {
      const earlier = this.undo.get(slot);
      if (earlier) await this.removeFailedAttempt(earlier);
      if (this.undo.untouched(slot) || earlier?.kind === 'replaced') await this.retire(slot);
      else this.undo.record(slot, 'added');
      return this.launch(this.final(slot), slot);
    });
    const early = up.size === slots.length ? upcoming.filter((slot) => this.undo.untouched(slot)) : [];
    await this.edge.update([...up.keys()].map(this.final), early.map(this.final));
    this.monitor(up);
  }

  private async startFirst(slots: number[], upcoming: number[]): Promise<void> {
    const besideOld = slots.filter((slot) => this.undo.untouched(slot));
    // A slot with a running replica gets a -next beside it; a new or replaced slot gets its own name.
    const beside = (slot: number) => (besideOld.includes(slot) ? this.next(slot) : this.final(slot));
    const launching = this.each(slots, async (slot) => {
      const kind = besideOld.includes(slot)
        ? 'candidate'
        : this.undo.get(slot)?.kind === 'replaced'
          ? 'replaced'
          : 'added';
      const ahead = await this.launchedAhead(slot, kind);
      if (ahead) return ahead;
      const earlier = this.undo.get(slot);
      if (earlier && earlier.kind !== 'prepared') await this.removeFailedAttempt(earlier);
      this.undo.record(slot, kind);
      return this.launch(beside(slot), slot);
    });
    const after = slots.map(beside);
    for (const slot of upcoming.filter((s) => this.undo.untouched(s))) this.launchAhead(slot, after);
    const up = await launching;
    this.monitor(up);
    const ready = [...up.keys()];
    this.promoter.inBackground(async () => {
      await this.edge.swap(ready.map((slot) => [this.final(slot), beside(slot)]));
      await this.each(
        ready.filter((slot) => besideOld.includes(slot)),
        async (slot) => {
          // Recorded first: the hand-over may stop the original (and rename it) before it fails.
          this.undo.record(slot, 'replaced');
          await this.docker.handOverReplica({
            name: this.final(slot),
            keepAs: this.prev(slot),
            successorId: up.get(slot)!,
          });
          this.edge.renamed(this.next(slot), this.final(slot));
        },
      );
    });
  }

  /** Stops the original replica and keeps it, stopped, as -prev; recorded first, since the step may
   * stop it (and rename it) and then fail. Twice: done is done. */
  private async retire(slot: number): Promise<void> {
    this.undo.record(slot, 'replaced');
    await this.docker.retireReplica({ name: this.final(slot), keepAs: this.prev(slot) });
  }

  /** A retried slot: the failed attempt's replica goes (by id, else what carries the slot's labels
   * under the names, never the original). */
  private async removeFailedAttempt(earlier: SlotChange): Promise<void> {
    if (earlier.kind === 'prepared') return;
    const owner = { service: this.settings.service, slot: earlier.slot, spare: earlier.originalId };
    if (earlier.newId) await this.docker.removeReplica({ name: this.final(earlier.slot), id: earlier.newId, ...owner });
    else
      await Promise.all(
        [this.next(earlier.slot), this.final(earlier.slot)].map((name) =>
          this.docker.removeReplica({ name, ...owner }),
        ),
      );
    earlier.newId = undefined;
  }

  /** Launched ahead (recorded as prepared first: a rollback removes them; once started, candidates). */
  private launchAhead(slot: number, after: string[]): void {
    this.undo.record(slot, 'prepared');
    const launch = this.docker
      .launchReplica({ ...this.launchInput(this.next(slot), slot), after })
      .then(({ id }) => (this.undo.record(slot, 'candidate'), this.undo.launched(slot, id), id));
    this.promoter.launchAhead(slot, launch);
  }

  private async launchedAhead(slot: number, kind: SlotChange['kind']): Promise<string | undefined> {
    try {
      return await this.promoter.launchedAhead(slot);
    } catch (err) {
      this.undo.record(slot, kind);
      throw err;
    }
  }

  /** Create, start and wait until healthy: one activity, one round trip. */
  private async launch(name: string, slot: number): Promise<string> {
    const { id } = await this.docker.launchReplica(this.launchInput(name, slot));
    this.undo.launched(slot, id);
    return id;
  }

  private launchInput(name: string, slot: number) {
    const { service, spec, healthTimeoutMs } = this.settings;
    return { name, service, spec, labels: replicaLabels(slot), healthTimeoutMs };
  }

  /** Watches each new replica for the monitor period in the background; a failure marks its slot. */
  private monitor(up: Map<number, string>): void {
    if (this.settings.monitorMs <= 0) return;
    for (const [slot, id] of up) {
      const watch = this.docker.watchHealthy({ id, name: this.final(slot), durationMs: this.settings.monitorMs });
      // A cancelled workflow is not a failed replica (the rollout rolls back as cancelled).
      this.monitors.push(watch.catch((err) => void (isCancellation(err) || this.fail(slot, err))));
    }
  }

  /** Runs `step` for every slot at once; returns what it gave for the slots it succeeded for, and
   * records the others as failed. */
  private async each<T>(slots: number[], step: (slot: number) => Promise<T>): Promise<Map<number, T>> {
    const results = await Promise.allSettled(slots.map(step));
    // A cancelled workflow is not a failed replica: the rollout rolls back as cancelled.
    const cancelled = results.find((r) => r.status === 'rejected' && isCancellation(r.reason));
    if (cancelled) throw (cancelled as PromiseRejectedResult).reason;
    const lost = results.find((r) => r.status === 'rejected' && this.isLost(r.reason));
    if (lost) throw (lost as PromiseRejectedResult).reason;
    return bySlot(slots, results, (slot, reason) => this.fail(slot, reason));
  }

  private isLost(err: unknown): boolean {
    if (!this.settings.endOnHostLoss || !isHostLoss(err)) return false;
    this.lostHost ??= err;
    return true;
  }

  private fail(slot: number, err: unknown): void {
    this.isLost(err);
    this.failing.add(slot);
    this.failures.push({ slot, name: this.final(slot), reason: reasonOf(err) });
  }

  private readonly final = (slot: number) => replicaName(this.settings.service, slot);
  private readonly next = (slot: number) => candidateName(this.settings.service, slot);
  private readonly prev = (slot: number) => previousName(this.settings.service, slot);
}
