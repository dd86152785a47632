import type { LaneCall } from './history-lanes';
import { median } from './paired-rounds';

/** A blue-green deploy's phases on one host, in ms (see hostPhases). */
export interface DeployPhases {
  /** Workflow start → the new color's create scheduled: the pull (fleet) and the plan. */
  plan: number;
  /** The new color's startContainer, scheduled → closed. */
  start: number;
  /** Its waitHealthy (mostly Docker's first check, one interval after the start). */
  health: number;
  /** switchEdgeColor, with its probe. */
  switch: number;
  /** The edge's config change after the switch (drops the old color) → the old color's removal closed. */
  drain: number;
}

const PHASES = ['plan', 'start', 'health', 'switch', 'drain'] as const satisfies ReadonlyArray<keyof DeployPhases>;

/**
 * Each host's phases of one blue-green deploy (single-host or fleet; not a first deploy), from its activity
 * calls: one entry per task queue that ran the new color's create. Pure; a phase whose calls are missing
 * (the deploy failed before it) is NaN.
 */
export function hostPhases(calls: LaneCall[]): Map<string, DeployPhases> {
  const byQueue = new Map<string, DeployPhases>();
  for (const queue of new Set(calls.map((c) => c.queue))) {
    const own = calls.filter((c) => c.queue === queue);
    const first = (type: string, after = -1) => own.find((c) => c.type === type && c.scheduledMs >= after);
    const create = first('createContainer');
    if (!create) continue;
    const start = first('startContainer', create.closedMs);
    const health = first('waitHealthy', start?.closedMs ?? Infinity);
    const sw = first('switchEdgeColor', health?.closedMs ?? Infinity);
    const dropped = first('configureEdgeColors', sw?.closedMs ?? Infinity);
    const removed = own.filter((c) => c.type === 'removeContainer').at(-1);
    const span = (c?: LaneCall) => (c ? c.closedMs - c.scheduledMs : NaN);
    byQueue.set(queue, {
      plan: create.scheduledMs,
      start: span(start),
      health: span(health),
      switch: span(sw),
      drain: dropped && removed ? removed.closedMs - dropped.scheduledMs : NaN,
    });
  }
  return byQueue;
}

/** Per phase, the slowest host's duration (what a fleet's step waits for). Pure. */
export function slowestHost(phases: Map<string, DeployPhases>): DeployPhases {
  const all = [...phases.values()];
  return Object.fromEntries(PHASES.map((p) => [p, Math.max(...all.map((h) => h[p]))])) as unknown as DeployPhases;
}

/** A table of the rounds' medians: per phase the single host, the fleet's slowest host and the difference,
 * in seconds. Pure. */
export function formatPhaseMedians(rounds: Array<{ single: DeployPhases; fleet: DeployPhases }>): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const rows = PHASES.map((p) => {
    const single = median(rounds.map((r) => r.single[p]));
    const fleet = median(rounds.map((r) => r.fleet[p]));
    const extra = `${fleet < single ? '-' : '+'}${s(Math.abs(fleet - single))}`;
    return `  ${p.padEnd(7)} ${s(single).padStart(6)} ${s(fleet).padStart(6)} ${extra.padStart(7)}`;
  });
  return [
    `  phase   single  fleet   extra   (s, medians of ${rounds.length} rounds; fleet: its slowest host)`,
    ...rows,
  ].join('\n');
}
