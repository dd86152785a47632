import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DockhandConfig } from '../common/config';
import { DeployErrorType } from '../common/errors';
import { RollingUpdateInput, type RollingUpdateRequest, type RollingUpdateResult } from '../common/rolling-update';
import { DockhandHost, DockhandImage, DockhandService, DockhandWorkflow } from '../common/search-attributes';
import { validate } from '../common/spec/validate';
import { serviceChangeId } from '../common/workflow-ids';
import { startLocked } from './start';

export type RollingUpdateHandle = WorkflowHandle<(r: RollingUpdateRequest) => Promise<RollingUpdateResult>>;

/** Validates the request (bad input is refused here, naming the field, before any workflow exists)
 * and starts rollingUpdate under the service's change lock `deploy/<service>`. */
export async function startRollingUpdate(
  client: Client,
  config: DockhandConfig,
  request: RollingUpdateRequest,
  memo?: Record<string, unknown>,
): Promise<RollingUpdateHandle> {
  const input = validate(RollingUpdateInput, request, 'input');
  return (await startLocked(client, config, 'rollingUpdate', serviceChangeId(input.service), [request], {
    ...(memo ? { memo } : {}),
    staticSummary: `roll ${input.service} to ${input.spec.image} on ${input.host} (${input.order}, ${input.parallelism} at a time)`,
    searchAttributes: [
      { key: DockhandService, value: input.service },
      { key: DockhandHost, value: input.host },
      { key: DockhandImage, value: input.spec.image },
      { key: DockhandWorkflow, value: 'rollingUpdate' },
    ],
  })) as RollingUpdateHandle;
}

/** The rollout's result whether it completed or rolled back (a rollback fails the workflow, with the
 * result as the failure's details); any other failure is re-thrown. */
export async function rolloutOutcome(handle: RollingUpdateHandle): Promise<RollingUpdateResult> {
  try {
    return await handle.result();
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === DeployErrorType.RolledBack && cause.details?.[0])
      return cause.details[0] as RollingUpdateResult;
    throw err;
  }
}
