import { judgeAnswer, type AnswerPolicy } from './answer-policy';
import { z } from 'zod';
import { ApprovalPolicy, DEFAULT_APPROVAL, type ApprovalDecision } from './approval';
import type { BlueGreenRequest, BlueGreenResult } from './blue-green';
import { DOCKER_NAME, type ContainerSpec } from './spec/container-spec';
import type { FleetBlueGreenRequest, FleetBlueGreenResult } from './fleet-blue-green';
import type { FleetRollingRequest, FleetRollingResult } from './fleet-rolling';
import type { RollingUpdateRequest, RollingUpdateResult } from './rolling-update';
import { durationMs } from './spec/schema-helpers';
import { replicaName } from './rolling-update';

/** The deploy guard's policy (a rule's `args`): how long after a deploy finished an unhealthy
 * container of the service rolls it back, and who must approve. Approval is required by default: a
 * rollback is a deploy, and deploys here are approved unless a policy says otherwise; a guard that
 * should act alone says `"approval": {"required": false}`. Nobody answering rejects (nothing changes). */
export const DeployGuardPolicy = z.strictObject({
  windowMs: durationMs.default(10 * 60_000),
  approval: ApprovalPolicy.default(DEFAULT_APPROVAL),
});
export type DeployGuardPolicy = z.output<typeof DeployGuardPolicy>;

/** The service file's `guard:` of a service (durations already in ms). */
export interface ServiceGuardSettings {
  window?: number;
  approval?: {
    required?: boolean;
    timeout?: number;
    approvers?: string[];
    requiredApprovals?: number;
    allowSelfApproval?: boolean;
    allowUnidentified?: boolean;
    systemIdentities?: string[];
  };
}

/** The guard's policy for one service: the rule's args, with what the service file says of the
 * service on top (the file is where a service's settings live; the rule only opts containers in). */
export function guardPolicyFor(ruleArgs: Record<string, unknown>, file?: ServiceGuardSettings): DeployGuardPolicy {
  const base = DeployGuardPolicy.parse(ruleArgs);
  if (!file) return base;
  return {
    windowMs: file.window ?? base.windowMs,
    approval: {
      required: file.approval?.required ?? base.approval.required,
      timeoutMs: file.approval?.timeout ?? base.approval.timeoutMs,
      approvers: file.approval?.approvers ?? base.approval.approvers,
      requiredApprovals: file.approval?.requiredApprovals ?? base.approval.requiredApprovals,
      allowSelfApproval: file.approval?.allowSelfApproval ?? base.approval.allowSelfApproval,
      allowUnidentified: file.approval?.allowUnidentified ?? base.approval.allowUnidentified,
      systemIdentities: file.approval?.systemIdentities ?? base.approval.systemIdentities,
    },
  };
}

/** Workflow types that change a service under deploy/<service> and record what they deployed. */
export const CHANGE_WORKFLOW_TYPES = [
  'blueGreenDeploy',
  'rollingUpdate',
  'fleetBlueGreenDeploy',
  'fleetRollingUpdate',
  'deployGuardRollback',
] as const;
/** How the guard redeploys: as the deploy it undoes ran — on one host, or on every host of a fleet
 * (a guard rollback of a fleet deploy rolls back the fleet, all or none). */
const STRATEGIES = ['blue-green', 'rolling', 'fleet-blue-green', 'fleet-rolling'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What triggered the guard: the unhealthy container and the deploy it came out of. */
const GuardIncident = z.strictObject({
  container: z.string().regex(DOCKER_NAME),
  /** When the engine reported it unhealthy (ISO). */
  at: z.string(),
  /** The run of deploy/<service> being rolled back, and when it finished (ISO). */
  deployRunId: z.string(),
  deployFinishedAt: z.string(),
  fromImage: z.string(),
});
type GuardIncident = z.output<typeof GuardIncident>;

/** Input of `deployGuardRollback`: the redeploy of the previous spec, with the strategy of the deploy
 * it undoes. The inner request is validated by the deploy's own schema before anything changes. */
export const DeployGuardInput = z.strictObject({
  service: z.string().min(1),
  host: z.string().regex(DOCKER_NAME),
  strategy: z.enum(STRATEGIES),
  request: z.record(z.string(), z.unknown()),
  approval: ApprovalPolicy,
  incident: GuardIncident,
});
export type DeployGuardInput = z.output<typeof DeployGuardInput>;
export type DeployGuardRequest = z.input<typeof DeployGuardInput>;

export type DeployGuardOutcome = 'rolled-back' | 'recovered' | 'rejected' | 'timed-out';

export interface DeployGuardResult {
  service: string;
  strategy: Strategy;
  outcome: DeployGuardOutcome;
  incident: GuardIncident;
  approval: ApprovalDecision;
  /** What the service runs after the guard: the previous spec when rolled back (the next guard's
   * "previous"), else absent (nothing changed). */
  spec?: ContainerSpec;
  finishedAt: string;
  deploy?: BlueGreenResult | RollingUpdateResult | FleetBlueGreenResult | FleetRollingResult;
}

/** The request of the deploy a guard runs again (one host's, or a fleet's). */
type RedeployRequest = BlueGreenRequest | RollingUpdateRequest | FleetBlueGreenRequest | FleetRollingRequest;

/** Builds the guard's results for one incident (the time is the workflow's, when called from one). */
export function guardResults(input: Pick<DeployGuardInput, 'service' | 'strategy' | 'incident'>) {
  const { service, strategy, incident } = input;
  return (
    outcome: DeployGuardOutcome,
    approval: ApprovalDecision,
    extra: Partial<DeployGuardResult> = {},
  ): DeployGuardResult => ({
    service,
    strategy,
    outcome,
    incident,
    approval,
    finishedAt: new Date().toISOString(),
    ...extra,
  });
}

/** One run of deploy/<service>, as the guard sees it (from Temporal's describe and result). */
export interface ChangeRun {
  runId: string;
  type: string;
  status:
    | 'RUNNING'
    | 'COMPLETED'
    | 'FAILED'
    | 'CANCELLED'
    | 'TERMINATED'
    | 'CONTINUED_AS_NEW'
    | 'TIMED_OUT'
    | 'UNKNOWN'
    | 'UNSPECIFIED';
  startMs: number;
  closeMs?: number;
  /** Completed runs: the result (`spec` and `finishedAt` record what it deployed). */
  result?: {
    spec?: ContainerSpec;
    image?: string;
    liveContainer?: string;
    updated?: string[];
    skipped?: string[];
    outcome?: string;
    /** A fleet deploy: what each host serves (blue-green: its live color; rolling: its rollout's result). */
    hosts?: Array<{ host: string; liveContainer?: string; result?: { updated?: string[]; skipped?: string[] } }>;
  };
  /** The run's start input (the deploy request), for the options a redeploy keeps. */
  input?: Record<string, unknown>;
  /** A running blue-green deploy's phase and the color it brings up (from its status query). */
  phase?: string;
  newColor?: string;
  /** A running fleet deploy: the color it brings up on each host (hosts may differ). */
  newColors?: Record<string, string>;
}

export interface GuardEvent {
  service: string;
  container: string;
  /** The container's dockhand.color label (blue-green), if any. */
  color?: string;
  /** The host the event came from (a fleet deploy's new color differs per host). */
  host?: string;
  atMs: number;
}

/** Whether the event's container is the new color of a deploy baking now: a blue-green deploy's, or a
 * fleet deploy's on the event's host (a guard rollback of a fleet deploy rolls back every host). */
function isBakingNewColor(e: GuardEvent, latest: ChangeRun): boolean {
  if (latest.phase !== 'baking' || e.color === undefined) return false;
  if (latest.type === 'blueGreenDeploy') return e.color === latest.newColor;
  return latest.type === 'fleetBlueGreenDeploy' && e.host !== undefined && e.color === latest.newColors?.[e.host];
}

/** Who the guard's answers come from (the `by` of its rollback signal; an approver list must name it). */
const DEPLOY_GUARD_IDENTITY = 'deploy-guard';

export type GuardDecision =
  | { action: 'ignore'; reason: string }
  | { action: 'signal-rollback'; reason: string }
  /** The rollback signal would be turned away by the running deploy's approver list. */
  | { action: 'refused'; reason: string }
  | {
      action: 'rollback';
      strategy: Strategy;
      request: RedeployRequest;
      reason: string;
      fromImage: string;
    };

const STRATEGY: Record<string, Strategy> = {
  blueGreenDeploy: 'blue-green',
  rollingUpdate: 'rolling',
  fleetBlueGreenDeploy: 'fleet-blue-green',
  fleetRollingUpdate: 'fleet-rolling',
};

/**
 * Decides what the guard does about an unhealthy container of a service, from the latest run of
 * deploy/<service> and the change completed before it. Pure.
 * - a blue-green deploy baking with the unhealthy container as its new color → its own `rollback` signal
 *   (refused, and said so, when the deploy's approver list does not name the guard);
 * - a deploy (blue-green or rolling, one host or a fleet) that completed at most `windowMs` before the
 *   event, whose container this is (on the event's host, for a fleet) → redeploy the previous change's
 *   spec with the same strategy and options: a fleet's on every host of the fleet;
 * - anything else (running otherwise, failed, rolled back, a guard rollback already, outside the
 *   window, another container such as the edge, nothing to go back to) → ignore, with the reason.
 */
export function planDeployGuard(
  e: GuardEvent,
  latest: ChangeRun | undefined,
  previous: ChangeRun | undefined,
  windowMs: number,
): GuardDecision {
  if (!latest) return { action: 'ignore', reason: `no change of ${e.service} has run` };
  if (latest.status === 'RUNNING') {
    if (isBakingNewColor(e, latest)) {
      // The deploy's own access check decides (common/answer-policy.ts): a rollback it would refuse is
      // not sent, and the guard says so instead of reporting one that never came.
      const verdict = judgeAnswer(policyOf(latest.input), {
        action: 'rollback',
        subject: e.service,
        identity: DEPLOY_GUARD_IDENTITY,
        requesters: [],
        approvedBy: [],
      });
      if (!verdict.counts)
        return {
          action: 'refused',
          reason: `${e.container} (the new ${e.color}) turned unhealthy during the bake window, but the deploy would refuse ${DEPLOY_GUARD_IDENTITY}'s rollback (${verdict.message}); list it in approval.systemIdentities`,
        };
      return {
        action: 'signal-rollback',
        reason: `${e.container} (the new ${e.color}) turned unhealthy during the bake window`,
      };
    }
    return {
      action: 'ignore',
      reason: `a ${latest.type} of ${e.service} is running${latest.phase ? ` (${latest.phase})` : ''}; its own health checks decide`,
    };
  }
  const strategy = STRATEGY[latest.type];
  if (!strategy)
    return { action: 'ignore', reason: `the last change of ${e.service} is a ${latest.type}, not a deploy` };
  if (latest.status !== 'COMPLETED' || !latest.result || latest.closeMs === undefined)
    return {
      action: 'ignore',
      reason: `the last deploy of ${e.service} did not complete (${latest.status.toLowerCase()}): nothing of it is live`,
    };
  if (e.atMs < latest.startMs)
    return { action: 'ignore', reason: `the event (${new Date(e.atMs).toISOString()}) is older than the last deploy` };
  const sinceMs = e.atMs - latest.closeMs;
  if (sinceMs > windowMs)
    return {
      action: 'ignore',
      reason: `${e.container} turned unhealthy ${Math.round(sinceMs / 1000)}s after the deploy finished, past the ${windowMs / 1000}s guard window`,
    };
  if (!deployedContainers(e.service, strategy, latest.result, e.host).includes(e.container))
    return {
      action: 'ignore',
      reason: `${e.container}${e.host ? ` on ${e.host}` : ''} is not one of the containers the last deploy brought up`,
    };
  const previousSpec = previous?.result?.spec;
  if (!previousSpec)
    return { action: 'ignore', reason: `no earlier completed deploy of ${e.service} records a spec to go back to` };
  if (!latest.input)
    return { action: 'ignore', reason: `the input of the last deploy of ${e.service} could not be read` };
  return {
    action: 'rollback',
    strategy,
    request: redeployRequest(strategy, latest.input, previousSpec),
    fromImage: latest.result.spec?.image ?? latest.result.image ?? '?',
    reason: `${e.container} turned unhealthy ${Math.max(0, Math.round(sinceMs / 1000))}s after the deploy finished`,
  };
}

/** The approver list of a deploy's request (empty: anyone's answer counts). */
function policyOf(input: Record<string, unknown> | undefined): AnswerPolicy {
  const approval = input?.approval as { approvers?: unknown; systemIdentities?: unknown } | undefined;
  const names = (v: unknown) => (Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string') : []);
  return { approvers: names(approval?.approvers), systemIdentities: names(approval?.systemIdentities) };
}

/** The containers a completed deploy left serving (a fleet's: on `host`, the event's; none without). */
export function deployedContainers(
  service: string,
  strategy: Strategy,
  r: NonNullable<ChangeRun['result']>,
  host?: string,
): string[] {
  if (strategy === 'fleet-blue-green' || strategy === 'fleet-rolling') {
    const onHost = r.hosts?.find((h) => h.host === host);
    if (!onHost) return [];
    const one = strategy === 'fleet-blue-green' ? { liveContainer: onHost.liveContainer } : (onHost.result ?? {});
    return deployedContainers(service, strategy === 'fleet-blue-green' ? 'blue-green' : 'rolling', one);
  }
  if (strategy === 'blue-green') return r.liveContainer ? [r.liveContainer] : [];
  const names = [...(r.updated ?? []), ...(r.skipped ?? [])];
  // Replica names only: <service>-<slot>.
  return names.filter(
    (n) => /^\d+$/.test(n.slice(service.length + 1)) && n === replicaName(service, Number(n.slice(service.length + 1))),
  );
}

/** The last deploy's request with the previous spec, its own approval gate off (the guard asked): a
 * fleet's keeps its hosts, so every host goes back. */
function redeployRequest(strategy: Strategy, input: Record<string, unknown>, spec: ContainerSpec): RedeployRequest {
  if (strategy === 'blue-green' || strategy === 'fleet-blue-green')
    return { ...(input as unknown as BlueGreenRequest), spec, approval: { required: false } };
  if (strategy === 'fleet-rolling') {
    // Its one approval (the canary across hosts) is the guard's to ask, not the redeploy's.
    const { approval: _canary, ...rest } = input as unknown as FleetRollingRequest;
    return { ...rest, spec };
  }
  const { pauseAfter: _canary, ...rest } = input as unknown as RollingUpdateRequest;
  return { ...rest, spec };
}
