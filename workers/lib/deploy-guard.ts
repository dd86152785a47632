import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { SYSTEM_IDENTITIES } from '../../common/answer-policy';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { statusQuery, type BlueGreenStatus } from '../../common/blue-green';
import type { FleetBlueGreenStatus } from '../../common/fleet-blue-green';
import type { DockhandConfig } from '../../common/config';
import {
  CHANGE_WORKFLOW_TYPES,
  guardPolicyFor,
  planDeployGuard,
  type ServiceGuardSettings,
  type ChangeRun,
  type DeployGuardRequest,
} from '../../common/deploy-guard';
import type { EngineEvent } from '../../common/events/engine-event';
import type { Rule } from '../../common/events/rules';
import { Labels } from '../../common/labels';
import { logger } from '../../common/logger';
import { approvalAnswers, startPresentation, type Presentation } from '../../client/presentation';
import type { ApprovalPolicy } from '../../common/approval';
import { serviceChangeId } from '../../common/workflow-ids';
import { BoundedMemo } from './bounded-memo';

const GUARD = SYSTEM_IDENTITIES[0]!; // "deploy-guard"

/** Completed runs the guard looks at, at most: the change before the latest is among the recent ones. */
const PREVIOUS_RUNS_LISTED = 50;

/** What the guard read of completed runs (immutable once completed), shared by every event. */
const completedRuns = new BoundedMemo<unknown>(256);

export interface GuardOutcome {
  workflowId: string;
  workflowType: string;
  outcome: 'signalled' | 'started' | 'attached' | 'dropped' | 'refused';
  reason?: string;
}

/**
 * The deploy guard, on the trigger side (it holds the Temporal client): reads the latest run of
 * deploy/<service> and the change completed before it, lets `planDeployGuard` decide, and either
 * signals `rollback` to a baking blue-green deploy or starts `deployGuardRollback` under
 * deploy/<service>. Many unhealthy events → one rollback: while it runs, starts collide with the lock
 * (attached); once it has run, it is the latest change and the guard ignores further events.
 */
export async function guardDeploy(
  client: Client,
  config: DockhandConfig,
  rule: Rule,
  e: EngineEvent,
  serviceGuard?: (service: string) => ServiceGuardSettings | undefined,
): Promise<GuardOutcome> {
  const service = e.labels[Labels.service];
  const workflowId = serviceChangeId(service ?? '?');
  const done = (outcome: GuardOutcome['outcome'], workflowType: string, reason?: string): GuardOutcome => {
    logger.info({ rule: rule.name, workflowId, container: e.name, outcome, reason }, 'deploy guard');
    return { workflowId, workflowType, outcome, ...(reason ? { reason } : {}) };
  };
  if (!service || !e.name) return done('dropped', 'deployGuardRollback', 'the container has no dockhand.service label');
  const policy = guardPolicyFor(rule.args, serviceGuard?.(service));
  const latest = await latestChange(client, workflowId);
  const previous =
    latest?.status === 'COMPLETED'
      ? await completedRuns.remember(`previous:${workflowId}/${latest.runId}`, () =>
          previousChange(client, workflowId, latest),
        )
      : undefined;
  const atMs = Number(BigInt(e.timeNano) / 1_000_000n);
  const decision = planDeployGuard(
    {
      service,
      container: e.name,
      ...(e.labels[Labels.color] ? { color: e.labels[Labels.color] } : {}),
      host: e.host,
      atMs,
    },
    latest,
    previous,
    policy.windowMs,
  );

  if (decision.action === 'ignore') return done('dropped', 'deployGuardRollback', decision.reason);
  // Not sent: the deploy would log and ignore it, and the guard would report a rollback that never came.
  if (decision.action === 'refused') return done('refused', latest!.type, decision.reason);
  if (decision.action === 'signal-rollback') {
    // Sent as the system identity "deploy-guard" (what Temporal records and the policy checks): it may
    // roll back where the service lists it, never approve (common/answer-policy.ts).
    const guard = new Client({
      connection: client.connection,
      namespace: client.options.namespace,
      dataConverter: client.options.dataConverter,
      identity: GUARD,
    });
    await guard.workflow
      .getHandle(workflowId, latest!.runId)
      .signal('rollback', { by: GUARD, comment: decision.reason });
    return done('signalled', latest!.type, decision.reason);
  }
  const request: DeployGuardRequest = {
    service,
    host: e.host,
    strategy: decision.strategy,
    request: decision.request,
    approval: policy.approval,
    incident: {
      container: e.name,
      at: new Date(atMs).toISOString(),
      deployRunId: latest!.runId,
      deployFinishedAt: new Date(latest!.closeMs!).toISOString(),
      fromImage: decision.fromImage,
    },
  };
  try {
    await client.workflow.start('deployGuardRollback', {
      taskQueue: config.orchestratorTaskQueue,
      workflowId,
      args: [request],
      ...startPresentation(
        deployGuardPresentation(rule.name, request, decision.reason, policy.approval, decision.request.spec.image),
      ),
    });
    return done('started', 'deployGuardRollback', decision.reason);
  } catch (err) {
    // A concurrent event started it first (or a person started another change meanwhile).
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return done('attached', 'deployGuardRollback', 'a change of the service is already running');
    throw err;
  }
}

/** The latest run of deploy/<service>, with what the guard needs of it. */
async function latestChange(client: Client, workflowId: string): Promise<ChangeRun | undefined> {
  const d = await client.workflow
    .getHandle(workflowId)
    .describe()
    .catch((err) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
  if (!d) return undefined;
  const run: ChangeRun = {
    runId: d.runId,
    type: d.type,
    status: d.status.name as ChangeRun['status'],
    startMs: d.startTime.getTime(),
    ...(d.closeTime ? { closeMs: d.closeTime.getTime() } : {}),
  };
  if (run.status === 'RUNNING' && (run.type === 'blueGreenDeploy' || run.type === 'fleetBlueGreenDeploy')) {
    // Both answer `status`; a fleet's names the new color per host.
    const s = await client.workflow
      .getHandle(workflowId, d.runId)
      .query<BlueGreenStatus & Partial<Pick<FleetBlueGreenStatus, 'newColors'>>>(statusQuery.name)
      .catch(() => undefined);
    // Its approver list says whether a rollback signal from the guard would count (one event, read once per run).
    const input =
      s?.phase === 'baking'
        ? await completedRuns.remember(`input:${workflowId}/${d.runId}`, () => inputOf(client, workflowId, d.runId))
        : undefined;
    return {
      ...run,
      ...(s
        ? {
            phase: s.phase,
            ...(s.newColor ? { newColor: s.newColor } : {}),
            ...(s.newColors ? { newColors: s.newColors } : {}),
          }
        : {}),
      ...(input ? { input } : {}),
    };
  }
  if (run.status !== 'COMPLETED' || !(CHANGE_WORKFLOW_TYPES as readonly string[]).includes(run.type)) return run;
  // A completed run never changes: read its result and input once, not on every event (review M12).
  const { result, input } = await completedRuns.remember(`latest:${workflowId}/${d.runId}`, async () => ({
    result: await resultOf(client, workflowId, d.runId),
    input: await inputOf(client, workflowId, d.runId),
  }));
  return { ...run, result, input };
}

/** The change of the service completed last before `latest` that records a spec (a rejected guard
 * rollback changed nothing and records none, so the search goes past it). */
async function previousChange(client: Client, workflowId: string, latest: ChangeRun): Promise<ChangeRun | undefined> {
  const runs: ChangeRun[] = [];
  let listed = 0;
  const before = new Date(latest.closeMs!).toISOString();
  for await (const w of client.workflow.list({
    query: `WorkflowId = "${workflowId}" AND ExecutionStatus = "Completed" AND CloseTime <= "${before}"`,
    pageSize: PREVIOUS_RUNS_LISTED,
  })) {
    if (++listed > PREVIOUS_RUNS_LISTED) break; // years of deploys: the previous good one is recent

    if (
      w.runId === latest.runId ||
      !w.closeTime ||
      w.closeTime.getTime() > latest.closeMs! ||
      !(CHANGE_WORKFLOW_TYPES as readonly string[]).includes(w.type)
    )
      continue;
    runs.push({
      runId: w.runId,
      type: w.type,
      status: 'COMPLETED',
      startMs: w.startTime.getTime(),
      closeMs: w.closeTime.getTime(),
    });
  }
  for (const run of runs.sort((a, b) => b.closeMs! - a.closeMs!)) {
    const result = await resultOf(client, workflowId, run.runId);
    if (result?.spec) return { ...run, result };
  }
  return undefined;
}

async function resultOf(client: Client, workflowId: string, runId: string): Promise<ChangeRun['result']> {
  return (await client.workflow.getHandle(workflowId, runId, { followRuns: false }).result()) as ChangeRun['result'];
}

/** A run's start input, from the first event of its history — one page of one event, not the whole
 * history (a 10-replica rollout's is ~300 events). */
async function inputOf(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<Record<string, unknown> | undefined> {
  const page = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const payloads = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  return decodeFromPayloadsAtIndex<Record<string, unknown>>(client.workflow.options.loadedDataConverter, 0, payloads);
}

/** What the Temporal UI shows of a deploy guard's rollback from its start. */
export function deployGuardPresentation(
  ruleName: string,
  r: DeployGuardRequest,
  reason: string,
  approval: ApprovalPolicy,
  to: string,
): Presentation {
  const { service, host, incident } = r;
  return {
    workflowType: 'deployGuardRollback',
    summary: `deploy guard (rule ${ruleName}): roll ${service} back from ${incident.fromImage} to ${to} (${r.strategy}) — ${reason}`,
    what:
      'a container of a freshly deployed service turned unhealthy: checks it is still unhealthy, asks for ' +
      'approval when the rule says so, then runs the previous deploy again (same strategy) to put the last ' +
      'good image back.',
    facts: {
      Service: `\`${service}\` on host \`${host}\``,
      'Unhealthy container': `\`${incident.container}\``,
      'Back from / to': `\`${incident.fromImage}\` → \`${to}\``,
      Why: reason,
      'Started by': `deploy guard rule ${ruleName}`,
    },
    answers: approvalAnswers(service, approval),
    service,
    host,
  };
}
