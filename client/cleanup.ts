import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { DockhandConfig } from '../common/config';
import { CleanupInput, type CleanupRequest } from '../common/remediation/cleanup';
import { validate } from '../common/spec/validate';
import { upsertIntervalSchedule } from './interval-schedule';
import { cleanupId } from '../common/workflow-ids';
import { approvalAnswers, duration, startPresentation, type Presentation } from './presentation';
import { startLocked } from './start';

/** Starts remediateCleanup on a host under cleanup/<host> (one at a time per host). */
export async function startCleanup(
  client: Client,
  config: DockhandConfig,
  request: CleanupRequest,
): Promise<WorkflowHandle> {
  const input = validate(CleanupInput, request, 'input');
  return startLocked(client, config, 'remediateCleanup', cleanupId(input.host), [input], {
    presentation: cleanupPresentation(input, 'the dockhand CLI (`dockhand cleanup`)'),
  });
}

/** What the Temporal UI shows of a clean-up, started by hand or by its schedule. */
function cleanupPresentation(input: CleanupInput, startedBy: string): Presentation {
  return {
    workflowType: 'remediateCleanup',
    summary: `${input.dryRun ? 'dry-run ' : ''}clean-up of Dockhand's leftovers on ${input.host}${input.service ? ` (service ${input.service})` : ''}`,
    what:
      "lists Dockhand's stopped containers, unused networks and dangling images older than the minimum age, " +
      'asks for approval above the threshold, then removes each one that is still unused.',
    facts: {
      Host: `\`${input.host}\``,
      Service: input.service ? `\`${input.service}\`` : "all of Dockhand's",
      'Minimum age': duration(input.minAge),
      'Dry run': input.dryRun ? 'yes: nothing is removed' : undefined,
      'Started by': startedBy,
    },
    answers: approvalAnswers(cleanupId(input.host), input.approval),
    host: input.host,
    ...(input.service ? { service: input.service } : {}),
  };
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
    ...startPresentation(cleanupPresentation(input, `the schedule ${scheduleId} (every ${String(every)})`)),
  };
  return upsertIntervalSchedule(client, scheduleId, every, action);
}
