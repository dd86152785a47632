import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Job } from 'bullmq';
import type { DockhandConfig } from '../../common/config';
import { DEPLOY_WORKFLOW_TYPES, type DeployJob, type DeployWorkflowInput } from '../../common/events/deploy-request';
import type { EngineEvent } from '../../common/events/engine-event';
import { JobName } from '../../common/events/queues';
import { matchingRules, type Rule } from '../../common/events/rules';
import { logger } from '../../common/logger';
import { DockhandHost, DockhandService, DockhandWorkflow } from '../../common/search-attributes';
import { serviceChangeId } from '../../common/workflow-ids';
import { startRemediation, type RemediationWorkflow } from '../../client/remediate';
import type { EventJobData } from './redis';
import { guardDeploy } from './deploy-guard';

export interface ProcessedJob {
  workflows: Array<{
    workflowId: string;
    workflowType: string;
    outcome: 'signalled' | 'started' | 'attached' | 'dropped';
    reason?: string;
  }>;
}

/** Turns one queued job into workflow starts. A throw (Temporal unreachable) fails the attempt and
 * BullMQ retries the job later: it stays in Redis until a start succeeds. */
export function createJobProcessor(client: Client, config: DockhandConfig, rules: Rule[]) {
  return async (job: Job<EventJobData>): Promise<ProcessedJob> => {
    if (job.name === JobName.deployRequest)
      return { workflows: [await startDeploy(client, config, job.data as DeployJob)] };
    const event = job.data as EngineEvent;
    const workflows: ProcessedJob['workflows'] = [];
    for (const rule of matchingRules(rules, event)) {
      workflows.push(
        rule.workflow === 'deployGuard'
          ? await guardDeploy(client, config, rule, event)
          : await signalRemediation(client, config, rule, event),
      );
    }
    return { workflows };
  };
}

/** Signal-with-start under remediate/<kind>/<host>/<container>: the first event starts the workflow,
 * every later one for the same container joins it as a signal (a storm is one remediation). */
async function signalRemediation(client: Client, config: DockhandConfig, rule: Rule, e: EngineEvent) {
  const container = e.name ?? e.id;
  const workflowType = rule.workflow as RemediationWorkflow;
  const { workflowId } = await startRemediation(client, config, {
    workflowType,
    host: e.host,
    container,
    // A scan_finding event says which findings to fix; hardening makes only those changes.
    input: {
      host: e.host,
      container,
      policy: rule.args,
      ...(workflowType === 'remediateHarden' && e.findings ? { findings: e.findings } : {}),
    },
    event: { action: e.action, ...(e.status ? { status: e.status } : {}), timeNano: e.timeNano, source: e.source },
    service: e.labels['dockhand.service'],
    summary: `rule ${rule.name}: ${rule.workflow} for ${container} on ${e.host}`,
  });
  logger.info({ rule: rule.name, workflowId, action: e.action, status: e.status }, 'event delivered to remediation');
  return { workflowId, workflowType: rule.workflow, outcome: 'signalled' as const };
}

/** Starts the deploy workflow of the request's strategy under the service's change lock. A redelivered
 * request whose workflow already runs attaches; a request while another change runs is dropped. */
async function startDeploy(client: Client, config: DockhandConfig, d: DeployJob) {
  const workflowType = DEPLOY_WORKFLOW_TYPES[d.strategy];
  const workflowId = serviceChangeId(d.service);
  const input: DeployWorkflowInput = {
    service: d.service,
    image: d.image,
    host: d.host,
    strategy: d.strategy,
    requestedBy: d.requestedBy,
    ...(d.pipeline ? { pipeline: d.pipeline } : {}),
    deliveryId: d.deliveryId,
  };
  try {
    await client.workflow.start(workflowType, {
      taskQueue: config.orchestratorTaskQueue,
      workflowId,
      args: [input],
      memo: { deliveryId: d.deliveryId },
      staticSummary: `${d.strategy} deploy of ${d.image} to ${d.service}, requested by ${d.requestedBy}${d.pipeline ? ` (${d.pipeline})` : ''}`,
      typedSearchAttributes: [
        { key: DockhandService, value: d.service },
        { key: DockhandHost, value: d.host },
        { key: DockhandWorkflow, value: workflowType },
      ],
    });
    logger.info({ workflowId, workflowType, deliveryId: d.deliveryId, requestedBy: d.requestedBy }, 'deploy started');
    return { workflowId, workflowType, outcome: 'started' as const };
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    const running = await client.workflow.getHandle(workflowId).describe();
    if (running.memo?.deliveryId === d.deliveryId) return { workflowId, workflowType, outcome: 'attached' as const };
    logger.warn(
      { workflowId, deliveryId: d.deliveryId, running: running.memo?.deliveryId },
      'deploy request dropped: another change of this service is running',
    );
    return { workflowId, workflowType, outcome: 'dropped' as const };
  }
}
