import { log } from '@temporalio/workflow';
import { candidateName, replicaName } from '../../common/rolling-update';
import type { HostAgent } from './activity-options';
import { isHostLoss } from './host-loss';
import type { EdgeUpstream } from './rollout-edge';
import { rollbackBatches } from './rollout-plan';

/** What the rollout changed in a slot, recorded BEFORE the step that makes the change, by container
 * id (never by name alone: a name may be held by a container this rollout did not create):
 * added — a new slot; replaced — the original may be stopped and kept as -prev (retire or hand-over
 * began); candidate — a start-first -next beside the original, which still runs under its name;
 * prepared — a -next launched ahead of its batch (nothing to report when it goes). */
export interface SlotChange {
  slot: number;
  kind: 'added' | 'replaced' | 'candidate' | 'prepared';
  /** The slot's replica before the rollout (absent for a new slot). */
  originalId?: string;
  /** This rollout's replica for the slot, once a launch returned it. */
  newId?: string;
}

export interface UndoSettings {
  service: string;
  parallelism: number;
  healthTimeoutMs: number;
  monitorMs: number;
}

/**
 * The rollout's undo log. Unlike the blue-green Saga (workflows/lib/saga.ts: one undo per step, run
 * in reverse), a rollout's undo is batched and health-gated: changed slots go back in reverse, in
 * batches of the rollout's parallelism, each batch leaving the edge before its new replicas go and
 * joining once its originals are healthy again, so capacity never drops more than the rollout itself
 * dropped it. Like the Saga it never stops at a failed undo: what could not be put back is reported
 * in `left`, and the caller runs it in a non-cancellable scope.
 */
export class RolloutUndoLog {
  private readonly changes = new Map<number, SlotChange>();
  /** Replicas put back (or removed, when new), in the order it was done. */
  readonly rolledBack: string[] = [];
  /** What an undo could not put back, with why. */
  readonly left: string[] = [];
  /** The first undo that failed because the host's agent picked nothing up (see host-loss.ts). */
  lostHost?: unknown;
  /** A fleet's host: once its agent is found gone, `rollback` stops (every further undo would only time
   * out too) and leaves the host to the fleet's repair. */
  stopOnHostLoss = false;

  constructor(
    private readonly docker: HostAgent,
    private readonly edge: EdgeUpstream,
    private readonly settings: UndoSettings,
    /** Each slot's replica before the rollout, by id. */
    private readonly originals: Map<number, string>,
  ) {}

  get(slot: number): SlotChange | undefined {
    return this.changes.get(slot);
  }

  /** The slot's original replica still stands under its own name, untouched by this rollout. */
  untouched(slot: number): boolean {
    const kind = this.changes.get(slot)?.kind;
    return this.originals.has(slot) && (kind === undefined || kind === 'prepared' || kind === 'candidate');
  }

  record(slot: number, kind: SlotChange['kind']): void {
    const change = this.changes.get(slot) ?? { slot, kind, originalId: this.originals.get(slot) };
    this.changes.set(slot, { ...change, kind });
  }

  launched(slot: number, id: string): void {
    const change = this.changes.get(slot);
    if (change) change.newId = id;
  }

  /** Slots on the target spec (added or replaced), in slot order. */
  slots(kinds: Array<SlotChange['kind']>): number[] {
    return [...this.changes.values()]
      .filter((c) => kinds.includes(c.kind))
      .map((c) => c.slot)
      .sort((a, b) => a - b);
  }

  /** Undoes every change (or those of `only`), latest first, in batches; returns the slots whose
   * original serves again. */
  async rollback(only?: number[]): Promise<number[]> {
    const changes = [...this.changes.values()].filter((c) => !only || only.includes(c.slot));
    const restored: number[] = [];
    // Replicas are removed from here on: with none left, the edge answers 503 rather than keep naming one.
    this.edge.allowEmpty = true;
    for (const batch of rollbackBatches(changes, this.settings.parallelism)) {
      if (this.stopOnHostLoss && this.lostHost) {
        this.left.push(...batch.map((c) => `${this.final(c.slot)}: not undone, the host stopped answering`));
        continue;
      }
      const leaving = batch.flatMap((c) =>
        c.kind === 'candidate' ? [this.next(c.slot)] : [this.final(c.slot), this.next(c.slot)],
      );
      if (
        !(await this.attempt(`edge ${this.edge.edge}: let ${leaving.join(', ')} go`, () => this.edge.leave(leaving)))
      ) {
        // The edge may still route to these new replicas: removing them would leave it routing to nothing.
        this.left.push(...batch.map((c) => `${this.final(c.slot)}: not undone while the edge may route to it`));
        continue;
      }
      const results = await Promise.allSettled(batch.map((c) => this.undo(c)));
      results.forEach((r, i) => {
        const c = batch[i]!;
        if (r.status === 'rejected') return void this.failed(`${this.final(c.slot)}: ${reasonOf(r.reason)}`, r.reason);
        this.changes.delete(c.slot);
        if (c.kind !== 'prepared') this.rolledBack.push(this.final(c.slot));
        if (r.value) restored.push(c.slot);
      });
      const back = batch.filter((c) => restored.includes(c.slot)).map((c) => this.final(c.slot));
      await this.attempt(`edge ${this.edge.edge}: let ${back.join(', ')} join`, () => this.edge.join(back));
    }
    return restored;
  }

  /** Removes the replicas kept as -prev for the slots that passed (by id). Twice: gone is fine. */
  async discardPrevious(failing: number[]): Promise<void> {
    const kept = [...this.changes.values()].filter(
      (c) => c.kind === 'replaced' && c.originalId && !failing.includes(c.slot),
    );
    await Promise.all(
      kept.map((c) =>
        this.attempt(`remove ${c.originalId!.slice(0, 12)}, the replica ${this.final(c.slot)} replaced`, () =>
          this.docker.removeReplica({ name: this.final(c.slot), id: c.originalId, ...this.owner(c.slot) }),
        ),
      ),
    );
  }

  /** Runs `step`; a failure is logged and reported in `left`, and the undo goes on. */
  async attempt(what: string, step: () => Promise<unknown>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (err) {
      log.error(`undo step failed; going on with the rest: ${what}`, { error: reasonOf(err) });
      this.failed(`${what}: ${reasonOf(err)}`, err);
      return false;
    }
  }

  private failed(line: string, err: unknown): void {
    this.left.push(line);
    if (this.lostHost === undefined && isHostLoss(err)) this.lostHost = err;
  }

  /** One slot back: this rollout's replica goes (by id, else only what carries this slot's labels
   * under its names, never the original), the original comes back under its name, running and
   * healthy. True when the original serves again. */
  private async undo(c: SlotChange): Promise<boolean> {
    const owner = this.owner(c.slot);
    if (c.newId) await this.docker.removeReplica({ name: this.next(c.slot), id: c.newId, ...owner });
    else {
      await this.docker.removeReplica({ name: this.next(c.slot), spare: c.originalId, ...owner });
      if (!c.originalId) await this.docker.removeReplica({ name: this.final(c.slot), ...owner });
    }
    if (!c.originalId) return false;
    if (c.kind === 'replaced')
      await this.docker.restoreReplica({
        id: c.originalId,
        name: this.final(c.slot),
        ...owner,
        healthTimeoutMs: this.settings.healthTimeoutMs,
        monitorMs: this.settings.monitorMs,
      });
    return true;
  }

  private owner(slot: number) {
    return { service: this.settings.service, slot };
  }

  private final(slot: number): string {
    return replicaName(this.settings.service, slot);
  }

  private next(slot: number): string {
    return candidateName(this.settings.service, slot);
  }
}

/** The message of the failure under an activity failure (what the engine or health check said). */
export function reasonOf(err: unknown): string {
  const e = err as { cause?: unknown; message?: string };
  const inner = e && typeof e === 'object' && e.cause instanceof Error ? e.cause : err;
  return (inner instanceof Error ? inner.message : String(inner)).slice(0, 2000);
}

/** Per-slot outcomes of steps run side by side (Promise.allSettled over `slots`): what each fulfilled
 * step gave, by slot; each rejection is handed to `fail`. Shared by the batch runner and the frozen v1. */
export function bySlot<T>(
  slots: number[],
  results: Array<PromiseSettledResult<T>>,
  fail: (slot: number, reason: unknown) => void,
): Map<number, T> {
  const ok = new Map<number, T>();
  results.forEach((r, i) => (r.status === 'fulfilled' ? ok.set(slots[i]!, r.value) : fail(slots[i]!, r.reason)));
  return ok;
}
