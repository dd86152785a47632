import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { DockhandConfig } from '../common/config';
import { CleanupInput, type CleanupRequest } from '../common/remediation/cleanup';
import { DockhandHost, DockhandWorkflow } from '../common/search-attributes';
import { validate } from '../common/spec/validate';
import { upsertIntervalSchedule } from './interval-schedule';
import { cleanupId } from '../common/workflow-ids';
import { startLocked } from './start';

/** Starts remediateCleanup on a host under cleanup/<host> (one at a time per host). */
export async function startCleanup(
  client: Client,
  config: DockhandConfig,
  request: CleanupRequest,
): Promise<WorkflowHandle> {
  const input = validate(CleanupInput, request, 'input');
  return startLocked(client, config, 'remediateCleanup', cleanupId(input.host), [input], {
    staticSummary: `${input.dryRun ? 'dry-run ' : ''}clean-up of Dockhand's leftovers on ${input.host}${input.service ? ` (service ${input.service})` : ''}`,
    searchAttributes: [
      { key: DockhandHost, value: input.host },
      { key: DockhandWorkflow, value: 'remediateCleanup' },
    ],
  });
}

/** Creates (or updates) a Temporal Schedule running remediateCleanup every `every`; approval above
 * the threshold still applies to scheduled runs. */
export async function ensureCleanupSchedule(
  client: Client,
  config: DockhandConfig,
  request: CleanupRequest,
  every: Duration,
): Promise<string> {
  const input = validate(CleanupInput, request, 'input');
  const scheduleId = `dockhand-cleanup-${input.host}`;
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'remediateCleanup',
    taskQueue: config.orchestratorTaskQueue,
    args: [input],
    workflowId: cleanupId(input.host),
  };
  return upsertIntervalSchedule(client, scheduleId, every, action);
}
