import { z } from 'zod';
import { bytes } from '../spec/schema-helpers';

/** How the memory-pressure remediation raises a container's memory limit. */
export const MemoryPolicy = z.strictObject({
  /** New limit = current · factor (a container without a limit is left alone: nothing to raise). */
  factor: z.number().gt(1).max(16).default(2),
  /** Never above this; a raise that would pass it notifies instead. */
  ceiling: bytes.default(1024 * 1024 * 1024),
  /** The workflow ends after this long without another event. */
  idleMs: z.number().int().positive().default(5 * 60_000),
});
export type MemoryPolicy = z.output<typeof MemoryPolicy>;

export const MemoryPressureInput = z.strictObject({
  host: z.string().min(1),
  container: z.string().min(1),
  policy: MemoryPolicy.default(MemoryPolicy.parse({})),
  manual: z.boolean().default(false),
});
export type MemoryPressureInput = z.output<typeof MemoryPressureInput>;
export type MemoryPressureRequest = z.input<typeof MemoryPressureInput>;

export interface MemoryChange { from: number; to: number; restarted: boolean; reason: string }
export interface MemoryPressureResult { container: string; changes: MemoryChange[]; ceilingReached: boolean }

export type MemoryDecision = { action: 'raise'; to: number } | { action: 'notify'; reason: string } | { action: 'none'; reason: string };

/** The next memory limit: current · factor, capped at the ceiling; at the ceiling already → notify. */
export function planMemory(currentBytes: number, policy: Pick<MemoryPolicy, 'factor' | 'ceiling'>): MemoryDecision {
  if (currentBytes <= 0) return { action: 'none', reason: 'the container has no memory limit' };
  if (currentBytes >= policy.ceiling) return { action: 'notify', reason: `memory limit ${currentBytes} is at the ceiling ${policy.ceiling}` };
  return { action: 'raise', to: Math.min(Math.round(currentBytes * policy.factor), policy.ceiling) };
}
