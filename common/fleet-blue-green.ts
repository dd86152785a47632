import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import type { ApprovalDecision } from './approval';
import {
  BlueGreenFields,
  withEdgeDefaults,
  type BlueGreenInput,
  type Color,
  type DeployEnding,
  type SwitchPhase,
} from './blue-green';
import type { UndoFailure } from './errors';
import {
  BootLimit,
  checkMinHosts,
  DEFAULT_HOST_LOSS,
  FleetHosts,
  HostLossPolicy,
  type HostFailure,
  type HostProgress,
} from './fleet';
import type { PhaseEntry } from './phase-status';
import type { ContainerSpec } from './spec/container-spec';

/**
 * A blue-green deploy of one service on every host it runs on, all or none: each host runs its own
 * edge and colors exactly as a single-host deploy does; the fleet boots the new color (at most
 * `bootLimit` hosts at once), smoke-checks every host, asks ONE approval, switches every edge, bakes
 * and drains. A failure on any host before the bake ends switches every host back.
 */
export const FleetBlueGreenInput = BlueGreenFields.omit({ host: true })
  .extend({
    hosts: FleetHosts,
    /** Hosts that bring up the new color at once (Kamal's boot.limit): a number or "50%"; default all. */
    bootLimit: BootLimit.default('100%'),
    hostLoss: HostLossPolicy.default(DEFAULT_HOST_LOSS),
  })
  .transform((i, ctx) => {
    checkMinHosts(i, ctx);
    return withEdgeDefaults(i, ctx);
  });
export type FleetBlueGreenInput = z.output<typeof FleetBlueGreenInput>;
export type FleetBlueGreenRequest = z.input<typeof FleetBlueGreenInput>;

/** The single-host deploy input one host of the fleet runs its steps with. Pure. */
export function hostDeployInput(fleet: FleetBlueGreenInput, host: string): BlueGreenInput {
  const { hosts: _hosts, bootLimit: _limit, hostLoss: _loss, ...one } = fleet;
  return { ...one, host };
}

export type FleetBlueGreenPhase = 'pulling' | 'planning' | 'green-up' | SwitchPhase;

/** What the `status` query of a fleet deploy answers: the fleet's phase and every host's step. */
export interface FleetBlueGreenStatus {
  service: string;
  phase: FleetBlueGreenPhase;
  details: string;
  newImage: string;
  /** The digest every host runs (pinned by the first host's pull). */
  digest?: string;
  hosts: HostProgress[];
  /** The color each host brings up (known once planned; the deploy guard reads it). */
  newColors?: Record<string, Color>;
  startedAt: string;
  phases: Array<PhaseEntry<FleetBlueGreenPhase>>;
  approval?: ApprovalDecision;
  failure?: string;
  /** Hosts left behind under hostLoss policy `continue`. */
  lost?: HostFailure[];
  undoFailures?: Array<UndoFailure & { host: string }>;
  warnings?: string[];
}

export const fleetStatusQuery = defineQuery<FleetBlueGreenStatus>('status');

interface FleetHostResult {
  host: string;
  liveColor: Color;
  liveContainer: string;
  previousColor?: Color;
  previousImage?: string;
  edge: { name: string; hostIp: string; hostPort: number };
}

export interface FleetBlueGreenResult extends DeployEnding {
  service: string;
  image: string;
  digest?: string;
  hosts: FleetHostResult[];
  /** Hosts that stopped answering and were left behind (policy `continue`); a repair workflow puts
   * each back when its agent returns. */
  lost: HostFailure[];
  /** The spec now live on every host (validated): what a later deploy guard goes back to. */
  spec: ContainerSpec;
}
