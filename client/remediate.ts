import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { RULE_WORKFLOWS, type RuleWorkflow } from '../common/events/rules';
import { remediationEventSignal, type RemediationEvent } from '../common/remediation/signals';
import { DockhandHost, DockhandService, DockhandWorkflow } from '../common/search-attributes';
import { remediationId } from '../common/workflow-ids';

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
    staticSummary: r.summary,
    typedSearchAttributes: [
      { key: DockhandHost, value: r.host },
      { key: DockhandWorkflow, value: r.workflowType },
      ...(r.service ? [{ key: DockhandService, value: r.service }] : []),
    ],
  });
}
