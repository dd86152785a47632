// Frozen: replays runs started before patched('rollout-compensation') (workflows/rolling-update.ts).
// Their histories hold this exact order of commands; new runs use rollout-batch-runner.ts,
// rollout-promoter.ts and rollout-undo.ts. Kept for the recorded histories without that marker:
// rolling-canary-rejected, rolling-crash-rolled-back, rolling-paused-rolled-back,
// rolling-{start,stop}-first-10, rolling-{start,stop}-first-10-setup-at-once and deploy-guard-rolling
// (test/fixtures/histories; test/unit/workflow-replay.test.ts).
// Remove (with rolling-update-v1.ts) once no such run can still be open.
import { ActivityFailure } from '@temporalio/workflow';
import { ErrorType } from '../../../common/errors';
import {
  candidateName,
  previousName,
  replicaLabels,
  replicaName,
  type ReplicaFailure,
} from '../../../common/rolling-update';
import type { EdgeUpstream } from '../rollout-edge';
import { activityFailureOf } from '../failures';
import type { HostAgent } from '../activity-options';
import { rollbackBatches } from '../rollout-plan';
import { bySlot } from '../rollout-undo';
import type { BatchSettings as RunnerSettings } from '../rollout-batch-runner';

/** What the rollout changed in a slot, so rollback knows what to undo:
 * added — a new slot (undo: remove it); replaced — the old replica waits stopped as -prev (undo:
 * restart exactly it); candidate — a start-first -next beside the old replica, not switched yet;
 * prepared — a -next created ahead of its batch, never started (undo: remove it, nothing to report). */
export interface Change {
  slot: number;
  kind: 'added' | 'replaced' | 'candidate' | 'prepared';
}

/** The runner's settings plus the parallelism this version still read from them. */
export interface BatchSettings extends RunnerSettings {
  parallelism: number;
}

/**
 * Carries out batches: stop-first (leave the edge, stop the old replica and keep it as -prev, start
 * the new one, healthy, join) or start-first (start -next beside the old one, healthy, switch the
 * edge, keep the old one as -prev, rename -next). Each new replica is then watched for the monitor
 * period while the next batch goes on, as Swarm does; a failure inside that window counts. Every
 * change is recorded before it is made, so a rollback undoes exactly what happened, in reverse.
 */
export class RolloutBatchesV1 {
  readonly changes: Change[] = [];
  readonly failures: ReplicaFailure[] = [];
  readonly rolledBack: string[] = [];
  /** Slots whose original replica still stands under its own name. */
  private readonly originals: Set<number>;
  private readonly failing = new Set<number>();
  private readonly watches: Array<Promise<void>> = [];
  /** Original replicas that left the edge early, in the reload that let the previous batch join. */
  private leftEarly: number[] = [];
  /** Start-first: earlier batches' edge switches, old replicas being stopped and successors renamed,
   * one after another in the background. */
  private promoting: Promise<void> = Promise.resolve();
  private promotingFailed?: unknown;
  /** Start-first: launches scheduled before their batch, gated on the batch before (slot → its id). */
  private readonly ahead = new Map<number, Promise<string>>();

  constructor(
    private readonly docker: HostAgent,
    private readonly edge: EdgeUpstream,
    private readonly s: BatchSettings,
    originals: number[],
  ) {
    this.originals = new Set(originals);
  }

  /** Slots whose latest attempt failed (during its batch or its monitor period). */
  get failingSlots(): number[] {
    return [...this.failing].sort((a, b) => a - b);
  }

  /** Replicas brought to the target spec (before any rollback). */
  get updated(): string[] {
    return this.changes
      .filter((c) => (c.kind === 'added' || c.kind === 'replaced') && !this.failing.has(c.slot))
      .map((c) => c.slot)
      .sort((a, b) => a - b)
      .map(this.final);
  }

  /** Updates one batch. `upcoming` is the next batch when it follows at once: stop-first lets it leave
   * the edge in the same reload that lets this batch join (one reload per batch, not two); start-first
   * launches its successors now, gated at the agent on this batch's health (see launchAhead). */
  async run(slots: number[], upcoming: number[] = []): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the background chain's rejection, re-thrown as caught
    if (this.promotingFailed) throw this.promotingFailed;
    slots.forEach((slot) => this.failing.delete(slot));
    if (this.s.order === 'start-first') await this.startFirst(slots, upcoming);
    else await this.stopFirst(slots, upcoming);
  }

  /** The edge's config for the replicas that serve now, before the first change. Start-first does it
   * behind the first batch (nothing on the edge changes before that batch's switch, which queues
   * after it); stop-first waits for it, as its first batch leaves the edge before stopping. */
  async syncEdge(): Promise<void> {
    if (this.s.order === 'start-first') this.inBackground(() => this.edge.sync());
    else await this.edge.sync();
  }

  /** After the last batch: settle, while the edge's config is rewritten with the final names (after
   * the last rename) during the last monitor windows rather than after them. */
  async finish(): Promise<void> {
    this.inBackground(() => this.edge.flushNames());
    await this.settle();
  }

  /** Waits until every monitor window has passed (the last batch's, or a canary's) and the last
   * start-first batch's old replicas are stopped. */
  async settle(): Promise<void> {
    await this.promoting;
    await Promise.all(this.watches.splice(0));
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the background chain's rejection, re-thrown as caught
    if (this.promotingFailed) throw this.promotingFailed;
  }

  private async stopFirst(slots: number[], upcoming: number[]): Promise<void> {
    await this.edge.leave(slots.map(this.final));
    const up = await this.each(slots, async (slot) => {
      if (this.originals.has(slot)) await this.retire(slot);
      else await this.clear(slot, this.final(slot), 'added');
      return this.bringUp(this.final(slot), slot);
    });
    const early = up.size === slots.length ? upcoming.filter((slot) => this.originals.has(slot)) : [];
    await this.edge.update([...up.keys()].map(this.final), early.map(this.final));
    this.leftEarly = early;
    this.watch(up, this.final);
  }

  private async startFirst(slots: number[], upcoming: number[]): Promise<void> {
    const besideOld = slots.filter((slot) => this.originals.has(slot));
    // A slot with a running replica gets a -next beside it; a new slot (scale up) gets its own name.
    const beside = (slot: number) => (besideOld.includes(slot) ? this.next(slot) : this.final(slot));
    const launching = this.each(slots, async (slot) => {
      const kind = besideOld.includes(slot) ? 'candidate' : 'added';
      const id = await this.launchedAhead(slot, kind);
      if (id) return id;
      await this.clear(slot, beside(slot), kind);
      return this.bringUp(beside(slot), slot);
    });
    this.launchAhead(
      upcoming.filter((slot) => this.originals.has(slot)),
      slots.map(beside),
    );
    const up = await launching;
    this.watch(up, this.final);
    // As Swarm does, the next batch starts as soon as this one is healthy: the edge switch and the old
    // replicas' retirement go on in the background, each step after the one before, so the edge only
    // ever resolves names that exist (a rename lands before the next switch) and an old replica stops
    // only after the edge has let it go.
    const ready = [...up.keys()];
    this.inBackground(async () => {
      await this.edge.swap(ready.map((slot) => [this.final(slot), beside(slot)]));
      await this.each(
        ready.filter((slot) => besideOld.includes(slot)),
        async (slot) => {
          await this.docker.handOverReplica({
            name: this.final(slot),
            keepAs: this.prev(slot),
            successorId: up.get(slot)!,
          });
          this.originals.delete(slot);
          this.record(slot, 'replaced');
          this.edge.renamed(this.next(slot), this.final(slot));
        },
      );
    });
  }

  /** Queues `step` behind the background work so far; after a failure nothing more runs, and the
   * failure surfaces at the next batch or at settle. */
  private inBackground(step: () => Promise<void>): void {
    this.promoting = this.promoting
      .then(() => (this.promotingFailed ? undefined : step()))
      .catch((err) => void (this.promotingFailed ??= err));
  }

  /** Undoes every change in reverse order, in batches, with the same gating (healthy, monitor, edge). */
  async rollback(): Promise<void> {
    await this.settle();
    await Promise.allSettled(this.ahead.values()); // nothing may still be creating what is removed next
    this.ahead.clear();
    const prepared = this.changes.filter((c) => c.kind === 'prepared');
    await Promise.all(prepared.map((c) => this.docker.removeContainer({ name: this.next(c.slot) })));
    for (const batch of rollbackBatches(
      this.changes.filter((c) => c.kind !== 'prepared'),
      this.s.parallelism,
    )) {
      await this.edge.leave(
        batch.flatMap((c) => (c.kind === 'candidate' ? [this.next(c.slot)] : [this.final(c.slot), this.next(c.slot)])),
      );
      const restored = await this.each(
        batch.map((c) => c.slot),
        async (slot) => {
          const kind = batch.find((c) => c.slot === slot)!.kind;
          await this.docker.removeContainer({ name: this.next(slot) });
          if (kind !== 'candidate') await this.docker.removeContainer({ name: this.final(slot) });
          if (kind !== 'replaced') return undefined;
          await this.docker.renameContainer({ name: this.prev(slot), newName: this.final(slot) });
          await this.docker.startContainer({ name: this.final(slot) });
          await this.docker.waitHealthy({ name: this.final(slot), timeoutMs: this.s.healthTimeoutMs });
          const { id } = await this.docker.inspectContainer({ name: this.final(slot) });
          await this.docker.watchHealthy({ id, name: this.final(slot), durationMs: this.s.monitorMs });
          return id;
        },
      );
      await this.edge.join([...restored].filter(([, id]) => id).map(([slot]) => this.final(slot)));
      this.rolledBack.push(...[...restored.keys()].map(this.final));
    }
    await this.edge.join(this.leftEarly.filter((slot) => this.originals.has(slot)).map(this.final));
  }

  /** Removes the stopped -prev copies once the rollout has passed. Twice: already gone is fine. */
  async discardPrevious(): Promise<void> {
    await Promise.all(
      this.changes
        .filter((c) => c.kind === 'replaced')
        .map((c) => this.docker.removeContainer({ name: this.prev(c.slot) })),
    );
  }

  /** Stops the original replica and keeps it, stopped, as -prev. */
  private async retire(slot: number): Promise<void> {
    await this.docker.retireReplica({ name: this.final(slot), keepAs: this.prev(slot) });
    this.originals.delete(slot);
    this.record(slot, 'replaced');
  }

  /** Start-first, as Swarm moves on at the engine's health event: the next batch's successors are
   * launched now, gated on this batch's containers (`after`), so each starts the moment the batch
   * before is healthy instead of a workflow round trip later. Recorded as prepared first (a rollback
   * removes them); once started, as candidates. */
  private launchAhead(slots: number[], after: string[]): void {
    for (const slot of slots) {
      this.record(slot, 'prepared');
      const launch = this.docker.launchReplica({
        name: this.next(slot),
        service: this.s.service,
        spec: this.s.spec,
        labels: replicaLabels(slot),
        healthTimeoutMs: this.s.healthTimeoutMs,
        after,
      });
      this.ahead.set(
        slot,
        launch.then(({ id }) => (this.record(slot, 'candidate'), id)),
      );
      this.ahead.get(slot)!.catch(() => undefined); // its batch (or a rollback) looks at the outcome
    }
  }

  /** The id of the slot's launch ahead, once it is healthy; undefined when there was none or it was not
   * started because the batch before failed (the batch then launches it itself). Its own failure
   * (the new replica crashed, say) is the slot's failure. */
  private async launchedAhead(slot: number, kind: Change['kind']): Promise<string | undefined> {
    const launch = this.ahead.get(slot);
    this.ahead.delete(slot); // a no-op when there was none
    if (!launch) return undefined;
    try {
      return await launch;
    } catch (err) {
      if (!activityFailureOf(err, ErrorType.PredecessorFailed)) {
        this.record(slot, kind);
        throw err;
      }
      return undefined;
    }
  }

  /** Records the change before making it; on a retry of the slot, removes what the failed attempt
   * left under `name` first. (A first attempt finds the name free, or holding the successor a
   * launch ahead created: the planner removed any -next an interrupted run left, and a new
   * slot's name is not taken, else the slot would not be new.) */
  private async clear(slot: number, name: string, kind: Change['kind']): Promise<void> {
    const earlier = this.changes.find((c) => c.slot === slot);
    if (earlier && earlier.kind !== 'prepared') await this.docker.removeContainer({ name });
    else this.record(slot, kind);
  }

  /** Create, start and wait until healthy: one activity, one round trip. */
  private async bringUp(name: string, slot: number): Promise<string> {
    const { id } = await this.docker.launchReplica({
      name,
      service: this.s.service,
      spec: this.s.spec,
      labels: replicaLabels(slot),
      healthTimeoutMs: this.s.healthTimeoutMs,
    });
    return id;
  }

  /** Watches each new replica for the monitor period in the background; a failure marks its slot. */
  private watch(up: Map<number, string>, nameOf: (slot: number) => string): void {
    if (this.s.monitorMs <= 0) return;
    for (const [slot, id] of up) {
      this.watches.push(
        this.docker
          .watchHealthy({ id, name: nameOf(slot), durationMs: this.s.monitorMs })
          .catch((err) => this.fail(slot, err)),
      );
    }
  }

  /** Runs `step` for every slot at once; returns what it gave for the slots it succeeded for, and
   * records the others as failed. */
  private async each<T>(slots: number[], step: (slot: number) => Promise<T>): Promise<Map<number, T>> {
    const results = await Promise.allSettled(slots.map(step));
    return bySlot(slots, results, (slot, reason) => this.fail(slot, reason));
  }

  private fail(slot: number, err: unknown): void {
    this.failing.add(slot);
    this.failures.push({ slot, name: this.final(slot), reason: reasonOf(err) });
  }

  private record(slot: number, kind: Change['kind']): void {
    const existing = this.changes.find((c) => c.slot === slot);
    if (existing) existing.kind = kind;
    else this.changes.push({ slot, kind });
  }

  private readonly final = (slot: number) => replicaName(this.s.service, slot);
  private readonly next = (slot: number) => candidateName(this.s.service, slot);
  private readonly prev = (slot: number) => previousName(this.s.service, slot);
}

/** The message of the failure under an activity failure (what the engine or health check said). */
function reasonOf(err: unknown): string {
  const e = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return (e instanceof Error ? e.message : String(e)).slice(0, 2000);
}
