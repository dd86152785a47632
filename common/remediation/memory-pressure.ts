import { z } from 'zod';
import { bytes, durationMs } from '../spec/schema-helpers';
import { containerRemediationInput } from './container-remediation';

/** How the memory-pressure remediation raises a container's memory limit. */
export const MemoryPolicy = z.strictObject({
  /** New limit = current · factor (a container without a limit is left alone: nothing to raise). */
  factor: z.number().gt(1).max(16).default(2),
  /** Never above this; a raise that would pass it notifies instead. */
  ceiling: bytes.default(1024 * 1024 * 1024),
  /** The workflow ends after this long without another event. */
  idleMs: durationMs.default(5 * 60_000),
  /** Events handled in one run before it continues as new (sooner when Temporal suggests it): samples
   * that need no change keep arriving and must not grow one history without bound (review M9). */
  eventsPerRun: z.number().int().min(1).max(10_000).default(500),
});
export type MemoryPolicy = z.output<typeof MemoryPolicy>;

/** One change of a container's memory, as the result and the `status` query record it: a live
 * `update` (the container keeps running) or a recreate (after an OOM kill: a new container under the
 * same name with the same spec and the new limits; `restarted` is then true). */
export interface MemoryChange {
  from: number;
  to: number;
  swapFrom: number;
  swapTo: number;
  how: 'live-update' | 'recreate';
  restarted: boolean;
  reason: string;
  at: string;
}

export const MemoryPressureInput = containerRemediationInput(MemoryPolicy, {
  /** Carried to the next run: the changes made (few: each one at least doubles the limit up to the ceiling). */
  changes: z.array(z.custom<MemoryChange>((v) => typeof v === 'object' && v !== null)).max(64),
});
export type MemoryPressureInput = z.output<typeof MemoryPressureInput>;
export type MemoryPressureRequest = z.input<typeof MemoryPressureInput>;

export interface MemoryPressureResult {
  container: string;
  changes: MemoryChange[];
  ceilingReached: boolean;
}

export type MemoryDecision =
  { action: 'raise'; to: number } | { action: 'notify'; reason: string } | { action: 'none'; reason: string };

/** Memory and swap limits as Docker keeps them: `memorySwap` counts memory plus swap (-1: unlimited
 * swap; 0: not set). */
export interface MemoryLimits {
  memory: number;
  memorySwap: number;
}

/** The limits after raising memory to `to`, swap kept consistent: the same amount of swap on top of
 * the new memory (none stays none), unlimited stays unlimited. Pure. */
export function raisedLimits(current: MemoryLimits, to: number): MemoryLimits {
  if (current.memorySwap <= 0) return { memory: to, memorySwap: current.memorySwap };
  return { memory: to, memorySwap: to + Math.max(0, current.memorySwap - current.memory) };
}

export type MemoryChangePlan =
  | { action: 'none'; reason: string }
  | { action: 'notify'; reason: string }
  | { action: 'live-update'; limits: MemoryLimits; reason: string }
  | { action: 'recreate'; limits: MemoryLimits; reason: string };

/** What to do for a container under memory pressure (a sample above the threshold, a manual request,
 * or an oom event at `oomAtMs`): raise live while it runs; recreate with more memory when an OOM kill
 * stopped it; at the ceiling notify; stopped for another reason → nothing. Pure. */
export function planMemoryChange(
  c: {
    id?: string;
    memoryBytes: number;
    memorySwapBytes: number;
    running: boolean;
    oomKilled: boolean;
    startedAtMs: number;
  },
  policy: Pick<MemoryPolicy, 'factor' | 'ceiling'>,
  oomAtMs?: number,
  /** The container the oom event was about; when known, it alone says whether the event is stale. */
  oomContainerId?: string,
): MemoryChangePlan {
  // An oom about another container (the one a recreate replaced; the agent's reconcile and the engine's
  // replay may both report one kill) is not a reason to raise again. By id when known: the engine records
  // StartedAt after the process already runs, so a process killed in its first milliseconds has an oom
  // *before* its own start (seen in CI). Without an id, the older check by time.
  const stale = oomAtMs !== undefined && (oomContainerId && c.id ? oomContainerId !== c.id : oomAtMs < c.startedAtMs);
  if (stale)
    return { action: 'none', reason: "the oom event is older than the container's start (a repeated or stale event)" };
  const d = planMemory(c.memoryBytes, policy);
  if (d.action !== 'raise') return { action: d.action, reason: d.reason };
  const limits = raisedLimits({ memory: c.memoryBytes, memorySwap: c.memorySwapBytes }, d.to);
  if (c.running)
    return { action: 'live-update', limits, reason: 'memory pressure: raised live, the container keeps running' };
  if (c.oomKilled) return { action: 'recreate', limits, reason: 'OOM-killed: recreated with more memory' };
  return { action: 'none', reason: 'the container is stopped, and not by the OOM killer' };
}

/** The next memory limit: current · factor, capped at the ceiling; at the ceiling already → notify. */
export function planMemory(currentBytes: number, policy: Pick<MemoryPolicy, 'factor' | 'ceiling'>): MemoryDecision {
  if (currentBytes <= 0) return { action: 'none', reason: 'the container has no memory limit' };
  if (currentBytes >= policy.ceiling)
    return { action: 'notify', reason: `memory limit ${currentBytes} is at the ceiling ${policy.ceiling}` };
  return { action: 'raise', to: Math.min(Math.round(currentBytes * policy.factor), policy.ceiling) };
}

/** A raise the plan asked for. */
export type MemoryRaise = Extract<MemoryChangePlan, { limits: MemoryLimits }>;

/** The record of a raise once made, as the result and the `status` query keep it. Pure. */
export function memoryChangeOf(
  before: { memoryBytes: number; memorySwapBytes: number },
  plan: MemoryRaise,
  at: string,
): MemoryChange {
  return {
    from: before.memoryBytes,
    to: plan.limits.memory,
    swapFrom: before.memorySwapBytes,
    swapTo: plan.limits.memorySwap,
    how: plan.action,
    restarted: plan.action === 'recreate',
    reason: plan.reason,
    at,
  };
}
