import type { EngineEvent } from '../events/engine-event';

/** Containers opt in to memory sampling with this label (`docker run -l dockhand.autoscale=true`). */
export const AUTOSCALE_LABEL = 'dockhand.autoscale';

/** The event action a memory sample above the threshold is published as (rules match on it). */
const MEMORY_PRESSURE_ACTION = 'memory_pressure';

/** A memory-pressure event when usage is at least `thresholdPct` % of the container's limit; nothing
 * without a limit (there is nothing to raise). Pure. */
export function memoryPressureEvent(
  host: string,
  c: { id: string; name: string; labels: Record<string, string> },
  s: { usageBytes: number; limitBytes: number },
  thresholdPct: number,
  nowMs: number,
): EngineEvent | undefined {
  if (s.limitBytes <= 0 || s.usageBytes < (s.limitBytes * thresholdPct) / 100) return undefined;
  return {
    source: 'stats',
    host,
    type: 'container',
    action: MEMORY_PRESSURE_ACTION,
    id: c.id,
    name: c.name,
    labels: c.labels,
    memory: { usageBytes: s.usageBytes, limitBytes: s.limitBytes },
    timeNano: `${BigInt(nowMs) * 1_000_000n}`,
  };
}
