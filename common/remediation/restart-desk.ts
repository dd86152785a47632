import { z } from 'zod';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { carriedCount } from './container-remediation';
import { RestartPolicy } from './restart-unhealthy';
import type { RemediationEvent } from './signals';

/** The workflow type of a host's restart desk (rules with `"batch": "host"`). */
export const RESTART_DESK_WORKFLOW = 'restartDesk';

/** One desk per host: every batched restartUnhealthy rule's events for that host go to it. */
export function restartDeskId(host: string): string {
  return `remediate/restart-desk/${host}`;
}

/** Events of one rule for one host, sent as one signal: the rule's policy once, then each event with the
 * container it is about. */
export interface DeskBatch {
  /** The rule's restartUnhealthy policy (its `args`, as the rules file gives them). */
  policy: Record<string, unknown>;
  events: Array<{ container: string; event: RemediationEvent }>;
}
export const deskEventsSignal = defineSignal<[DeskBatch]>('deskEvents');
/** A container's own restartUnhealthy (the quarantine the desk handed it to) ended: released or expired. */
export const deskHandOffEndedSignal = defineSignal<[{ container: string }]>('deskHandOffEnded');

/** What a desk did, over all its runs: its result, and the counters of its `status`. */
export interface RestartDeskResult {
  /** Events taken in. */
  events: number;
  /** Restarts done. */
  restarts: number;
  /** Events for a container whose restart was running: counted once, not acted on again. */
  deduplicated: number;
  /** Restarts that failed for good (the host agent never answered, the engine refused). */
  failed: number;
}

export interface RestartDeskStatus extends RestartDeskResult {
  phase: 'watching' | 'draining' | 'done';
  /** Containers being looked at or restarted now. */
  inFlight: string[];
  /** Containers whose budget is spent: their own restartUnhealthy quarantines them. */
  handedOff: string[];
}
export const restartDeskStatusQuery = defineQuery<RestartDeskStatus>('status');

export const DeskBatchInput = z.strictObject({
  policy: RestartPolicy,
  events: z
    .array(
      z.strictObject({
        container: z.string().min(1),
        event: z.looseObject({ action: z.string(), timeNano: z.string(), source: z.string() }),
      }),
    )
    .max(10_000),
});

/** What a desk run hands to the next when it continues as new. */
const Carried = z.strictObject({
  /** Containers whose restarts the window still counts, with the counters the status query shows. */
  containers: z.record(
    z.string(),
    z.strictObject({ restartsAt: z.array(z.number()).max(100), windowMs: z.number().int().min(0) }),
  ),
  /** Containers handed to a restartUnhealthy of their own (budget spent): their events go there. */
  handedOff: z.array(z.string()),
  /** Batches that arrived while the run was draining, not looked at yet. */
  pending: z.array(z.unknown()),
  events: carriedCount,
  restarts: carriedCount,
  deduplicated: carriedCount,
});

export const RestartDeskInput = z.strictObject({
  host: z.string().min(1),
  /** Events one run takes before it continues as new (sooner when Temporal suggests it; review M9). */
  eventsPerRun: z.number().int().min(1).max(100_000).default(2_000),
  carried: Carried.optional(),
});
export type RestartDeskInput = z.output<typeof RestartDeskInput>;
export type RestartDeskRequest = z.input<typeof RestartDeskInput>;
