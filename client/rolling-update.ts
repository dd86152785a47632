import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DeployErrorType } from '../common/errors';
import { RollingUpdateInput, type RollingUpdateResult } from '../common/rolling-update';
import { ANSWER_JSON, approvalAnswers, duration, type ChangeTexts } from './presentation';
import { serviceChangeStarter, type StartedChange } from './start';

/** Starts rollingUpdate under the service's change lock `deploy/<service>` (validated first). */
export const startRollingUpdate = serviceChangeStarter<typeof RollingUpdateInput, RollingUpdateResult>({
  workflowType: 'rollingUpdate',
  schema: RollingUpdateInput,
  texts: rollingUpdateTexts,
  startWith: 'request',
});
export type RollingUpdateHandle = StartedChange<typeof startRollingUpdate>;

/** What the Temporal UI shows of a rolling update from its start. */
function rollingUpdateTexts(input: RollingUpdateInput): ChangeTexts {
  const { service, host, spec } = input;
  const canary = input.pauseAfter;
  return {
    summary: `roll ${service} to ${spec.image} on ${host} (${input.order}, ${input.parallelism} at a time)`,
    what:
      'replaces the replicas batch by batch behind the edge: launch the new one, wait until healthy, watch it ' +
      'for the monitor period, retire the old one. Failures beyond the allowed ratio roll every changed replica back ' +
      `(failure action: ${input.failureAction}).`,
    facts: {
      Replicas: input.replicas === undefined ? 'as many as run now' : String(input.replicas),
      Batches: `${input.parallelism} at a time, ${input.order}, ${duration(input.delay)} between batches`,
      Canary: canary ? `pause for approval after ${canary.batches} batch(es)` : undefined,
    },
    answers: [
      ...(canary ? approvalAnswers(service, canary.approval) : []),
      `when paused: Send Signal \`resume\` (retry the failed replicas and go on) or \`rollback\` with \`${ANSWER_JSON}\``,
    ],
  };
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
