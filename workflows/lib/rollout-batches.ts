import { ActivityFailure, sleep } from '@temporalio/workflow';
import { candidateName, previousName, replicaLabels, replicaName, type ReplicaFailure } from '../../common/rolling-update';
import type { ContainerSpec } from '../../common/spec/container-spec';
import type { EdgeUpstream } from './rollout-edge';
import type { HostProxies } from './host-activities';
import type { ReplicaProxies } from './replica-activities';
import { rollbackBatches } from './rollout-plan';

/** What the rollout changed in a slot, so rollback knows what to undo:
 * added — a new slot (undo: remove it); replaced — the old replica waits stopped as -prev (undo:
 * restart exactly it); candidate — a start-first -next beside the old replica, not switched yet. */
export interface Change { slot: number; kind: 'added' | 'replaced' | 'candidate' }

export interface BatchSettings {
  service: string;
  spec: ContainerSpec;
  order: 'stop-first' | 'start-first';
  monitorMs: number;
  healthTimeoutMs: number;
  parallelism: number;
}

/**
 * Carries out batches: stop-first (leave the edge, stop the old replica and keep it as -prev, start
 * the new one, healthy, monitor, join) or start-first (start -next beside the old one, healthy,
 * monitor, switch the edge, keep the old one as -prev, rename -next). Records every change first, so
 * a rollback can undo exactly what happened, in reverse.
 */
export class RolloutBatches {
  readonly changes: Change[] = [];
  readonly failures: ReplicaFailure[] = [];
  readonly updated: string[] = [];
  readonly rolledBack: string[] = [];
  /** Slots whose original replica still stands under its own name. */
  private readonly originals: Set<number>;
  private readonly failing = new Set<number>();

  constructor(private readonly docker: HostProxies & ReplicaProxies, private readonly edge: EdgeUpstream, private readonly s: BatchSettings, originals: number[]) {
    this.originals = new Set(originals);
  }

  get failedSlots(): number {
    return this.failing.size;
  }

  /** Updates one batch; returns the slots that failed (their reasons are in `failures`). */
  async run(slots: number[]): Promise<number[]> {
    const healthy = this.s.order === 'start-first' ? await this.startFirst(slots) : await this.stopFirst(slots);
    for (const slot of slots) (healthy.includes(slot) ? this.failing.delete(slot) : this.failing.add(slot));
    this.updated.push(...healthy.map(this.final));
    return slots.filter((s) => !healthy.includes(s));
  }

  private async stopFirst(slots: number[]): Promise<number[]> {
    await this.edge.leave(slots.map(this.final));
    const up = await this.each(slots, async (slot) => {
      if (this.originals.has(slot)) await this.retire(slot);
      else await this.clear(slot, this.final(slot), 'added');
      await this.bringUp(this.final(slot), slot);
    });
    const healthy = await this.monitor(up, this.final);
    await this.edge.join(healthy.map(this.final));
    return healthy;
  }

  private async startFirst(slots: number[]): Promise<number[]> {
    const besideOld = slots.filter((slot) => this.originals.has(slot));
    // A slot with a running replica gets a -next beside it; a new slot (scale up) gets its own name.
    const beside = (slot: number) => (besideOld.includes(slot) ? this.next(slot) : this.final(slot));
    const up = await this.each(slots, async (slot) => {
      await this.clear(slot, beside(slot), besideOld.includes(slot) ? 'candidate' : 'added');
      await this.bringUp(beside(slot), slot);
    });
    const healthy = await this.monitor(up, beside);
    await this.edge.swap(healthy.map((slot) => [this.final(slot), beside(slot)]));
    const promoted = await this.each(healthy.filter((slot) => besideOld.includes(slot)), async (slot) => {
      await this.retire(slot);
      await this.docker.renameContainer({ from: this.next(slot), to: this.final(slot) });
      this.edge.renamed(this.next(slot), this.final(slot));
    });
    return healthy.filter((slot) => !besideOld.includes(slot) || promoted.includes(slot));
  }

  /** Undoes every change in reverse order, in batches, with the same health gating; returns nothing
   * and records what was put back in `rolledBack` (a slot that cannot be restored is a failure). */
  async rollback(): Promise<void> {
    for (const batch of rollbackBatches(this.changes, this.s.parallelism)) {
      await this.edge.leave(batch.flatMap((c) => (c.kind === 'candidate' ? [this.next(c.slot)] : [this.final(c.slot), this.next(c.slot)])));
      const restored = await this.each(batch.map((c) => c.slot), async (slot) => {
        const change = batch.find((c) => c.slot === slot)!;
        await this.docker.removeContainer({ name: this.next(slot) });
        if (change.kind === 'candidate') return;
        await this.docker.removeContainer({ name: this.final(slot) });
        if (change.kind === 'added') return;
        await this.docker.renameContainer({ from: this.prev(slot), to: this.final(slot) });
        await this.docker.startContainer({ name: this.final(slot) });
        await this.docker.waitHealthy({ name: this.final(slot), timeoutMs: this.s.healthTimeoutMs });
      });
      const replaced = restored.filter((slot) => batch.find((c) => c.slot === slot)!.kind === 'replaced');
      const healthy = await this.monitor(replaced, this.final);
      await this.edge.join(healthy.map(this.final));
      this.rolledBack.push(...restored.filter((s) => !replaced.includes(s) || healthy.includes(s)).map(this.final));
    }
    this.changes.length = 0;
  }

  /** Removes the stopped -prev copies once the rollout has passed. Twice: already gone is fine. */
  async discardPrevious(): Promise<void> {
    await Promise.all(this.changes.filter((c) => c.kind === 'replaced').map((c) => this.docker.removeContainer({ name: this.prev(c.slot) })));
  }

  /** Stops the original replica and keeps it, stopped, as -prev (an older -prev is stale). */
  private async retire(slot: number): Promise<void> {
    await this.docker.stopContainer({ name: this.final(slot) });
    await this.docker.removeContainer({ name: this.prev(slot) });
    await this.docker.renameContainer({ from: this.final(slot), to: this.prev(slot) });
    this.originals.delete(slot);
    this.record(slot, 'replaced');
  }

  /** Removes what a failed earlier attempt left under `name`, and records the change before making it. */
  private async clear(slot: number, name: string, kind: Change['kind']): Promise<void> {
    await this.docker.removeContainer({ name });
    if (!this.changes.some((c) => c.slot === slot)) this.record(slot, kind);
  }

  private async bringUp(name: string, slot: number): Promise<void> {
    await this.docker.createContainer({ name, service: this.s.service, spec: this.s.spec, labels: replicaLabels(slot) });
    await this.docker.startContainer({ name });
    await this.docker.waitHealthy({ name, timeoutMs: this.s.healthTimeoutMs });
  }

  /** Waits the monitor period, then keeps the slots whose replica still runs healthy. */
  private async monitor(slots: number[], nameOf: (slot: number) => string): Promise<number[]> {
    if (slots.length === 0) return [];
    if (this.s.monitorMs > 0) await sleep(this.s.monitorMs);
    return this.each(slots, async (slot) => {
      const view = await this.docker.inspectContainer({ name: nameOf(slot) });
      const health = view.health?.status ?? 'none';
      if (!view.state.running || !['healthy', 'none'].includes(health)) {
        throw new Error(`${nameOf(slot)} did not stay healthy for the monitor period (${view.state.status}, health ${health})`);
      }
    });
  }

  /** Runs `step` for every slot at once; returns the slots it succeeded for, records the others. */
  private async each(slots: number[], step: (slot: number) => Promise<void>): Promise<number[]> {
    const results = await Promise.allSettled(slots.map(step));
    results.forEach((r, i) => r.status === 'rejected' && this.failures.push({ slot: slots[i]!, name: this.final(slots[i]!), reason: reasonOf(r.reason) }));
    return slots.filter((_, i) => results[i]!.status === 'fulfilled');
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
