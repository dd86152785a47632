import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { RULE_WORKFLOWS, type RuleWorkflow } from '../common/events/rules';
import { remediationEventSignal, type RemediationEvent } from '../common/remediation/signals';
import { remediationId } from '../common/workflow-ids';
import { approvalAnswers, startPresentation, type Presentation } from './presentation';

/** The per-container remediations an event (or a person) can start; the deploy guard is not one. */
export type RemediationWorkflow = Exclude<RuleWorkflow, 'deployGuard'>;

export interface RemediationRequest {
  workflowType: RemediationWorkflow;
  host: string;
  container: string;
  /** The workflow's input when this starts it (ignored when the incident is already open). */
  input: Record<string, unknown>;
  /** What happened: delivered to the workflow as a signal, whether it starts now or runs already. */
  event: RemediationEvent;
  /** The container's service (its dockhand.service label), for search. */
  service?: string;
  summary: string;
  /** Who or what asked: "rule autoheal (event health_status: unhealthy)", "alice via the CLI". */
  startedBy: string;
}

/** What each remediation does, for the static details of its runs. */
const REMEDIATION_TEXT: Record<RemediationWorkflow, string> = {
  restartUnhealthy:
    'takes every engine event for this container (signal `remediationEvent`), looks at its real state, restarts ' +
    'it while it stays unhealthy (with back-off and a budget per window), and quarantines it (stop or disconnect) ' +
    'when the budget is spent; it ends after a quiet period.',
  memoryPressure:
    'takes every OOM event for this container, raises its memory limit step by step (live, or by recreating it) up ' +
    "to the policy's ceiling, and notifies when the ceiling is reached; it ends after a quiet period.",
  remediateHarden:
    "hardens the container against the scan's findings once approved: a hardened copy runs until healthy, takes " +
    'the name, and the old one is removed.',
};

/** The Temporal UI's view of a remediation run from its start. */
function remediationPresentation(r: RemediationRequest): Presentation {
  const id = remediationId(RULE_WORKFLOWS[r.workflowType].kind, r.host, r.container);
  return {
    workflowType: r.workflowType,
    summary: r.summary,
    what: REMEDIATION_TEXT[r.workflowType],
    facts: {
      Container: `\`${r.container}\` on host \`${r.host}\``,
      Service: r.service ? `\`${r.service}\`` : undefined,
      'First event': `${r.event.action}${r.event.status ? `: ${r.event.status}` : ''} (${r.event.source ?? 'engine'})`,
      'Started by': r.startedBy,
    },
    answers:
      r.workflowType === 'restartUnhealthy'
        ? [
            `when quarantined: \`dockhand remediate ${r.container} release --host ${r.host}\` — or Send Signal \`release\` with \`{"reason": "<why>"}\``,
          ]
        : r.workflowType === 'remediateHarden'
          ? approvalAnswers(id, { required: true, approvers: [], timeoutMs: 30 * 60_000 })
          : [],
    host: r.host,
    ...(r.service ? { service: r.service } : {}),
  };
}

/** Signal-with-start under remediate/<kind>/<host>/<container>: the first event starts the workflow,
 * every later one for the same container joins it (a storm is one remediation, one budget). The one
 * way the trigger and the CLI start a remediation, so both carry the same id and search attributes. */
export async function startRemediation(
  client: Client,
  config: DockhandConfig,
  r: RemediationRequest,
): Promise<WorkflowHandle> {
  return client.workflow.signalWithStart(r.workflowType, {
    taskQueue: config.orchestratorTaskQueue,
    workflowId: remediationId(RULE_WORKFLOWS[r.workflowType].kind, r.host, r.container),
    args: [r.input],
    signal: remediationEventSignal,
    signalArgs: [r.event],
    ...startPresentation(remediationPresentation(r)),
  });
}
