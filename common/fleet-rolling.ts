import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import { ApprovalPolicy, DEFAULT_APPROVAL, type ApprovalDecision } from './approval';
import {
  BootLimit,
  checkMinHosts,
  DEFAULT_HOST_LOSS,
  FleetHosts,
  HostLossPolicy,
  MAX_HOST_LOSS_TIMEOUT_MS,
  type HostFailure,
  type HostProgress,
} from './fleet';
import { RollingUpdateInput, type RollingUpdateRequest, type RollingUpdateResult } from './rolling-update';
import { durationMs } from './spec/schema-helpers';

/**
 * A rolling update of one service on every host it runs on, all or none: each host rolls its own
 * replicas behind its own edge with the single-host `rollingUpdate` (a child workflow per host,
 * `deploy/<service>/<host>`), at most `maxHostsAtOnce` hosts at once, each with its own `parallelism`.
 * A host that has rolled every replica holds (its replaced replicas kept, stopped) until the fleet
 * commits; a failure on any host before then cancels every host's rollout, and each puts its replaced
 * replicas back exactly as they were.
 */
const { host: _host, pauseAfter: _pauseAfter, approval: _approval, ...perHost } = RollingUpdateInput.shape;

export const FleetRollingInput = z
  .strictObject({
    ...perHost,
    hosts: FleetHosts,
    /** Hosts rolling at once: a number or a percentage ("50%"); default 1 (host after host). With
     * `parallelism` p at most p × maxHostsAtOnce replicas are out of their edge at once. */
    maxHostsAtOnce: BootLimit.default(1),
    /** ONE approval for the fleet after the first wave of hosts rolled (a canary across hosts); and who
     * may answer. Default: no approval (as a single-host rolling update). */
    approval: ApprovalPolicy.default({ ...DEFAULT_APPROVAL, required: false }),
    /** A host whose agent stops answering (as the blue-green fleet: common/fleet.ts): each host's work
     * waits at most `timeout` for its agent to pick it up; then the fleet rolls back (`rollback`, the
     * default) or goes on without the host while `minHosts` remain (`continue`). Either way the lost
     * host gets a repair that puts its replicas back once its agent answers again. */
    hostLoss: HostLossPolicy.default(DEFAULT_HOST_LOSS),
    /** The older name of `hostLoss.timeout` (requests and recorded histories from before `hostLoss`);
     * when given, it is the timeout. */
    hostLossTimeout: durationMs.pipe(z.number().min(1000).max(MAX_HOST_LOSS_TIMEOUT_MS)).optional(),
  })
  .superRefine(checkMinHosts);
export type FleetRollingInput = z.output<typeof FleetRollingInput>;
export type FleetRollingRequest = z.input<typeof FleetRollingInput>;

/** The fleet's host-loss policy, `hostLossTimeout` (the older field) taking the timeout's place. Pure. */
export function hostLossOf(fleet: FleetRollingInput): HostLossPolicy {
  return fleet.hostLossTimeout === undefined ? fleet.hostLoss : { ...fleet.hostLoss, timeout: fleet.hostLossTimeout };
}

/** The single-host rollout one host of the fleet runs (validated by RollingUpdateInput before any host
 * changes): no gate of its own (the fleet asks once), held before it finishes, its agent bounded. Pure. */
export function hostRolloutRequest(fleet: FleetRollingInput, host: string): RollingUpdateRequest {
  const { hosts: _h, maxHostsAtOnce: _m, approval, hostLoss: _l, hostLossTimeout: _t, ...one } = fleet;
  // The fleet's policy also says who may resume a paused host or roll it back.
  return { ...one, host, approval, fleetHold: true, agentPickupMs: hostLossOf(fleet).timeout };
}

/** Child workflow id of one host's rollout: under the service's lock id, so it is found beside it. */
export const hostRolloutId = (service: string, host: string) => `deploy/${service}/${host}`;

/** A host's rollout tells the fleet (its parent) that every replica is rolled and it holds. */
export const fleetHostHeldSignal = defineSignal<[string]>('fleetHostHeld');
/** The fleet tells a held host's rollout to finish (remove the replaced replicas it kept). */
export const fleetCommitSignal = defineSignal('fleetCommit');

export type FleetRollingPhase =
  'pulling' | 'rolling' | 'awaiting-approval' | 'committing' | 'done' | 'rolling-back' | 'failed';

export interface FleetRollingStatus {
  service: string;
  phase: FleetRollingPhase;
  details: string;
  newImage: string;
  digest?: string;
  /** Every host's step: waiting, rolling, held, committed, rolled back, failed. */
  hosts: HostProgress[];
  /** The child workflow of each host (its own status shows replicas and batches). */
  children: Record<string, string>;
  startedAt: string;
  phases: Array<{ phase: FleetRollingPhase; at: string; details: string }>;
  approval?: ApprovalDecision;
  failure?: string;
}

export const fleetRollingStatusQuery = defineQuery<FleetRollingStatus>('status');

export interface FleetRollingResult {
  service: string;
  image: string;
  digest?: string;
  /** Each host's rollout result (the hosts that finished). */
  hosts: Array<{ host: string; workflowId: string; result: RollingUpdateResult }>;
  /** Hosts left behind under `hostLoss.policy: continue` (each with a repair that waits for its agent). */
  lost: HostFailure[];
  approval?: ApprovalDecision;
  /** The target spec (as a single-host rollout reports it): what a later guard goes back from. */
  spec: RollingUpdateResult['spec'];
  finishedAt: string;
}
