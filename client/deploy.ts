import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from '@temporalio/common';
import type { DockhandConfig } from '../common/config';
import { DeployErrorType } from '../common/errors';
import type { ResolvedDeploy } from '../common/service-file/resolve';
import { failureText } from './failure-text';
import { startBlueGreenDeploy } from './blue-green';
import { startFleetBlueGreenDeploy } from './fleet-blue-green';
import { startFleetCanaryDeploy } from './fleet-canary';
import { startFleetRollingUpdate } from './fleet-rolling';
import { startRollingUpdate } from './rolling-update';
import { startCanaryDeploy } from './canary-deploy';

/** How a deploy ended, as CI and `dockhand deploy --wait --json` report it. */
export type DeployOutcome = 'succeeded' | 'failed' | 'rolled-back';

export interface DeployEnd {
  outcome: DeployOutcome;
  workflowId: string;
  runId: string;
  /** The workflow's result (completed, or a rolled-back rollout's result). */
  result?: unknown;
  /** Why it did not succeed: the failure and its causes in one line. */
  failure?: string;
  /** The failure's type (DockhandRejected, DockhandRolledBack, …; "cancelled", "terminated"), so a
   * caller can tell a person's "no" from a breakage. */
  failureType?: string;
}

/** Starts the resolved deploy (blue-green on one host or a fleet, rolling or canary, as the service file
 * says) under deploy/<service>. */
export async function startDeploy(
  client: Client,
  config: DockhandConfig,
  r: ResolvedDeploy,
  memo?: Record<string, unknown>,
): Promise<WorkflowHandle> {
  if (r.workflowType === 'fleetBlueGreenDeploy') return startFleetBlueGreenDeploy(client, config, r.input, memo);
  if (r.workflowType === 'fleetRollingUpdate') return startFleetRollingUpdate(client, config, r.input, memo);
  if (r.workflowType === 'fleetCanaryDeploy') return startFleetCanaryDeploy(client, config, r.input, memo);
  if (r.strategy === 'canary') return startCanaryDeploy(client, config, r.input, memo);
  return r.strategy === 'blue-green'
    ? startBlueGreenDeploy(client, config, r.input, memo)
    : startRollingUpdate(client, config, r.input, memo);
}

/** Waits for a deploy run to end and says how: a rollback (the rollout's, or a bake-window switch
 * back) is "rolled-back", any other failure "failed". */
export async function deployEnd(handle: WorkflowHandle, runId?: string): Promise<DeployEnd> {
  const ids = { workflowId: handle.workflowId, runId: runId ?? (await handle.describe()).runId };
  try {
    return { outcome: 'succeeded', ...ids, result: await handle.result() };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = err.cause;
    const rolledBack =
      cause instanceof ApplicationFailure &&
      (cause.type === DeployErrorType.RolledBack || cause.type === DeployErrorType.CanaryAborted);
    const failureType =
      cause instanceof ApplicationFailure
        ? cause.type
        : cause instanceof CancelledFailure
          ? 'cancelled'
          : cause instanceof TerminatedFailure
            ? 'terminated'
            : undefined;
    return {
      outcome: rolledBack ? 'rolled-back' : 'failed',
      ...ids,
      ...(failureType ? { failureType } : {}),
      ...(rolledBack && cause.details?.[0] ? { result: cause.details[0] } : {}),
      failure: failureText(cause ?? err),
    };
  }
}
