import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Job } from 'bullmq';
import { configOrigin } from '../../client/service-file';
import { deployEnd, startDeploy } from '../../client/deploy';
import { ChangeRunningError } from '../../client/start';
import type { DockhandConfig } from '../../common/config';
import type { DeployJob, DeployJobProgress, DeployJobResult } from '../../common/events/deploy-request';
import { logger } from '../../common/logger';
import { ServiceFileError, resolveDeploy, serviceSettings } from '../../common/service-file/resolve';
import { serviceChangeId } from '../../common/workflow-ids';
import type { ServiceFileSource } from './service-file-source';

/** How long a request waits for another change of its service when the file does not say. */
const DEFAULT_QUEUE_TIMEOUT_MS = 30 * 60_000;

/**
 * Runs one CI deploy request to its end: resolves the service from the file as it is now, waits
 * (bounded by the service's queueTimeout) while another change holds deploy/<service>, starts the
 * deploy with the delivery id in its memo, and waits for the outcome. Twice (the trigger died while
 * the job ran): the run carrying this delivery id is found and awaited, never started again.
 */
export function createDeployJobProcessor(client: Client, config: DockhandConfig, file: ServiceFileSource) {
  return async (job: Job<DeployJob>): Promise<DeployJobResult> => {
    const d = job.data;
    const workflowId = serviceChangeId(d.service);
    const loaded = file.current();
    let handle = await runOfDelivery(client, workflowId, d.deliveryId);
    if (!handle) {
      let resolved;
      try {
        resolved = resolveDeploy(loaded.file, d.service, {
          ...(d.image ? { image: d.image } : {}),
          ...(d.host ? { host: d.host } : {}),
          origin: {
            source: 'webhook',
            requestedBy: d.requestedBy,
            deliveryId: d.deliveryId,
            ...(d.pipeline ? { pipeline: d.pipeline } : {}),
            config: configOrigin(loaded),
          },
        });
      } catch (e) {
        // The file changed since the request was accepted and no longer allows it.
        if (e instanceof ServiceFileError) return { state: 'failed', failure: loaded.explain(e) };
        throw e;
      }
      const timeoutMs = serviceSettings(loaded.file, d.service).queueTimeout ?? DEFAULT_QUEUE_TIMEOUT_MS;
      const deadline = Date.parse(d.receivedAt) + timeoutMs;
      for (;;) {
        try {
          handle = await startDeploy(client, config, resolved, { deliveryId: d.deliveryId });
          break;
        } catch (e) {
          if (!(e instanceof ChangeRunningError)) throw e;
          const running = client.workflow.getHandle(workflowId);
          const { runId } = await running.describe();
          if (Date.now() >= deadline)
            return {
              state: 'failed',
              failure: `waited ${Math.round(timeoutMs / 1000)}s (queueTimeout) for ${workflowId} run ${runId} to finish; nothing was deployed`,
            };
          await job.updateProgress({ state: 'queued', waitingFor: runId } satisfies DeployJobProgress);
          logger.info(
            { deliveryId: d.deliveryId, workflowId, waitingFor: runId },
            'deploy request queued behind a running change',
          );
          await untilClosed(client.workflow.getHandle(workflowId, runId), deadline);
        }
      }
    }
    const { runId } = await handle.describe();
    await job.updateProgress({ state: 'running', runId } satisfies DeployJobProgress);
    logger.info({ deliveryId: d.deliveryId, workflowId, runId }, 'deploy request running');
    const end = await deployEnd(client.workflow.getHandle(workflowId, runId), runId);
    logger.info({ deliveryId: d.deliveryId, workflowId, runId, outcome: end.outcome }, 'deploy request ended');
    return { state: end.outcome, runId, ...(end.failure ? { failure: end.failure } : {}) };
  };
}

/** The run of deploy/<service> that carries this delivery id, if an earlier attempt started one: the
 * latest run (describe is consistent at once), else one of the last few (visibility, for a run that
 * already closed and was followed by another change). */
async function runOfDelivery(
  client: Client,
  workflowId: string,
  deliveryId: string,
): Promise<WorkflowHandle | undefined> {
  try {
    const latest = await client.workflow.getHandle(workflowId).describe();
    if (latest.memo?.deliveryId === deliveryId) return client.workflow.getHandle(workflowId, latest.runId);
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return undefined;
    throw e;
  }
  let seen = 0;
  for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    if (run.memo?.deliveryId === deliveryId) return client.workflow.getHandle(workflowId, run.runId);
    if (++seen >= 20) break;
  }
  return undefined;
}

/** Resolves when the run has closed (however it ended) or the deadline passed. */
async function untilClosed(handle: WorkflowHandle, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    handle.result().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
  ]);
  clearTimeout(timer);
}
