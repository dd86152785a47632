import { z } from 'zod';
import { BlueGreenFields, withEdgeDefaults } from './blue-green';
import { CanaryPolicySchema } from './canary';
import type { CanaryInput, CanaryResult } from './canary-deploy';
import { BootLimit, DEFAULT_HOST_LOSS, FleetHosts, HostLossPolicy } from './fleet';

/**
 * A canary of one service on every host it runs on: each host's edge splits its own requests with the
 * same weights at the same time, every edge's log is judged, and an abort puts every edge back on its
 * stable color. All or none, like a fleet blue-green deploy: a host that fails aborts the canary everywhere.
 */
export const FleetCanaryInput = BlueGreenFields.omit({ host: true })
  .extend({
    hosts: FleetHosts,
    canary: CanaryPolicySchema,
    /** Hosts that bring up the canary at once (Kamal's boot.limit): a number or "50%"; default all. */
    bootLimit: BootLimit.default('100%'),
  })
  .transform(withEdgeDefaults);
export type FleetCanaryInput = z.output<typeof FleetCanaryInput>;
export type FleetCanaryRequest = z.input<typeof FleetCanaryInput>;

/** The single-host canary input one host of the fleet runs its steps with. Pure. */
export function hostCanaryInput(fleet: FleetCanaryInput, host: string): CanaryInput {
  const { hosts: _hosts, bootLimit: _limit, ...one } = fleet;
  return { ...one, host };
}

/** A host that stops answering rolls the whole canary back (no `continue`: the canary's figures would
 * lose a host's share of requests without a verdict on them). */
export const FLEET_CANARY_HOST_LOSS: HostLossPolicy = DEFAULT_HOST_LOSS;

/** A promoted fleet canary: what the single-host result says, with each host's colors. */
export interface FleetCanaryResult extends Omit<
  CanaryResult,
  'host' | 'liveColor' | 'liveContainer' | 'previousColor' | 'previousImage' | 'edge'
> {
  /** The digest every host runs (pinned by the first host's pull). */
  digest?: string;
  hosts: Array<{
    host: string;
    liveColor: CanaryResult['liveColor'];
    liveContainer: string;
    previousColor: CanaryResult['previousColor'];
    previousImage: string;
    edge: CanaryResult['edge'];
  }>;
}
