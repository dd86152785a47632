import { previousName, replicaName, type ReplicaInfo } from '../../common/rolling-update';

/** What a rollout will do, decided from what runs before anything changes. Pure. */
export interface RolloutPlan {
  /** Replica count after the rollout. */
  total: number;
  /** Slots already on the target spec and healthy: left alone (a re-run continues, never redoes). */
  skip: number[];
  /** Slots to replace or add, in batches of `parallelism`, in slot order. */
  batches: number[][];
  /** Slots above `total` to remove once every batch has passed (scale down). */
  scaleDown: number[];
  /** Replicas that serve now: the edge's upstream before the first batch. */
  live: string[];
  /** Companions (-next/-prev) left by an interrupted run, removed before the first batch or after the last. */
  leftovers: string[];
}

/** How many replicas the rollout ends with: as asked, else as many as run now (at least one). */
export function targetCount(service: string, existing: ReplicaInfo[], replicas?: number): number {
  return replicas ?? Math.max(1, existing.filter((r) => r.name === replicaName(service, r.slot)).length);
}

export function planRollout(
  service: string,
  existing: ReplicaInfo[],
  total: number,
  parallelism: number,
  targetHashes: Record<number, string>,
): RolloutPlan {
  const finals = new Map(existing.filter((r) => r.name === replicaName(service, r.slot)).map((r) => [r.slot, r]));
  const onTarget = (slot: number) => isOnTarget(finals.get(slot), targetHashes[slot]);
  const slots = Array.from({ length: total }, (_, i) => i + 1);
  const update = slots.filter((s) => !onTarget(s));
  return {
    total,
    skip: slots.filter(onTarget),
    batches: chunk(update, parallelism),
    scaleDown: [...finals.keys()].filter((s) => s > total).sort((a, b) => a - b),
    live: [...finals.values()].filter((r) => r.running && r.health !== 'unhealthy').map((r) => r.name),
    leftovers: existing.filter((r) => !finals.has(r.slot) || finals.get(r.slot) !== r).map((r) => r.name),
  };
}

/** A replica that runs the target spec and is healthy (or has no health check): a re-run leaves it. */
function isOnTarget(r: ReplicaInfo | undefined, targetHash: string | undefined): boolean {
  return (
    r !== undefined && r.specHash === targetHash && r.running && (r.health === undefined || r.health === 'healthy')
  );
}

/** Slots an interrupted run left with their old replica kept as -prev and, under the slot's own
 * name, nothing on the target (a half-updated replica, or none): the -prev is the last known-good
 * copy and goes back first, so this run's retire never discards it. */
export function interruptedSlots(
  service: string,
  existing: ReplicaInfo[],
  targetHashes: Record<number, string>,
): ReplicaInfo[] {
  return existing.filter(
    (r) =>
      r.name === previousName(service, r.slot) &&
      !isOnTarget(
        existing.find((f) => f.name === replicaName(service, r.slot)),
        targetHashes[r.slot],
      ),
  );
}

/** The kept originals of an interrupted run in the order they come back: `parallelism` slots at a
 * time (at least one), and fewer while a batch would take every replica the edge routes to
 * (`serving` of them) out at once. Pure. */
export function restoreBatches<T extends { slot: number }>(kept: T[], parallelism: number, serving: number): T[][] {
  const size = Math.max(1, Math.min(parallelism, serving - 1));
  return chunk(
    [...kept].sort((a, b) => a.slot - b.slot),
    size,
  );
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The order a rollback undoes changes in: the reverse of the order they were made, in batches of
 * the same size. */
export function rollbackBatches<T>(changes: T[], parallelism: number): T[][] {
  return chunk([...changes].reverse(), parallelism);
}

/** True when the failures so far exceed what `maxFailureRatio` of `total` allows. */
export function failureLimitExceeded(failed: number, total: number, maxFailureRatio: number): boolean {
  return total > 0 && failed / total > maxFailureRatio;
}
