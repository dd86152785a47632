import { UnrecoverableError } from 'bullmq';
import type { Client } from '@temporalio/client';
import type { Job } from 'bullmq';
import type { DockhandConfig } from '../../common/config';
import type { EngineEvent } from '../../common/events/engine-event';
import { matchingRules, type Rule } from '../../common/events/rules';
import { logger } from '../../common/logger';
import { startRemediation, type RemediationWorkflow } from '../../client/remediate';
import type { EventJobData } from './redis';
import { guardDeploy } from './deploy-guard';
import { DeskBatcher } from './desk-batcher';
import { Slots } from './slots';
import { onlyDeskRules } from './trigger-concurrency';
import { signalRestartDesk } from '../../client/restart-desk';
import { RESTART_DESK_WORKFLOW, restartDeskId } from '../../common/remediation/restart-desk';
import type { ServiceGuardSettings } from '../../common/deploy-guard';

export interface ProcessedJob {
  workflows: Array<{
    workflowId: string;
    workflowType: string;
    outcome: 'signalled' | 'started' | 'attached' | 'dropped' | 'refused';
    reason?: string;
  }>;
}

/** Turns one queued engine event into workflow starts (CI deploy requests have queues of their own:
 * workers/lib/deploy-queue.ts). A throw (Temporal unreachable) fails the attempt and
 * BullMQ retries the job later: it stays in Redis until a start succeeds. */
export function createJobProcessor(
  client: Client,
  config: DockhandConfig,
  rules: Rule[],
  serviceGuard?: (service: string) => ServiceGuardSettings | undefined,
  /** Jobs that call Temporal themselves at once (the rules file's `concurrency`); absent: no bound. */
  concurrency = Infinity,
) {
  const process = processJob(client, config, rules, serviceGuard, new Slots(concurrency));
  // A request Temporal refuses for good (bad argument, unregistered search attribute, no such
  // namespace) fails at once instead of 100 retries over ~50 minutes (review L9).
  return (job: Job<EventJobData>): Promise<ProcessedJob> =>
    process(job).catch((err: unknown) => {
      throw permanentFailure(err) ? new UnrecoverableError(`refused for good: ${(err as Error).message}`) : err;
    });
}

/** gRPC codes that retrying the same request cannot change. */
const PERMANENT_GRPC_CODES = new Set([
  3 /* INVALID_ARGUMENT */, 5 /* NOT_FOUND */, 7 /* PERMISSION_DENIED */, 9 /* FAILED_PRECONDITION */,
  12 /* UNIMPLEMENTED */, 16 /* UNAUTHENTICATED */,
]);

/** Whether a failed start/signal will fail the same way every time (a Temporal service error with a
 * permanent gRPC code, or a validation error of our own). Pure. */
export function permanentFailure(err: unknown): boolean {
  let e = err as { code?: unknown; cause?: unknown; name?: string } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e.name === 'ZodError') return true;
    if (typeof e.code === 'number' && PERMANENT_GRPC_CODES.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

function processJob(
  client: Client,
  config: DockhandConfig,
  rules: Rule[],
  serviceGuard: ((service: string) => ServiceGuardSettings | undefined) | undefined,
  slots: Slots,
) {
  const desks = new DeskBatcher((host, rule, batch) => signalRestartDesk(client, config, { host, rule, batch }));
  return async (job: Job<EventJobData>): Promise<ProcessedJob> => {
    const matching = matchingRules(rules, job.data);
    // The worker takes more jobs than `concurrency` when rules are batched (trigger-concurrency.ts):
    // those that call Temporal themselves still run `concurrency` at once.
    return onlyDeskRules(matching) ? deliver(job.data, matching) : slots.run(() => deliver(job.data, matching));
  };

  async function deliver(event: EngineEvent, matching: Rule[]): Promise<ProcessedJob> {
    const workflows: ProcessedJob['workflows'] = [];
    for (const rule of matching) {
      workflows.push(
        rule.workflow === 'deployGuard'
          ? await guardDeploy(client, config, rule, event, serviceGuard)
          : rule.batch === 'host'
            ? await toRestartDesk(desks, rule, event)
            : await signalRemediation(client, config, rule, event),
      );
    }
    return { workflows };
  }
}

/** A batched rule: the event goes to its host's restart desk, in the next signal for that host; resolves
 * once Temporal accepted that signal (a failed signal fails this job too, and BullMQ retries it). */
async function toRestartDesk(desks: DeskBatcher, rule: Rule, e: EngineEvent) {
  await desks.deliver(e.host, rule.name, rule.args, { container: e.name ?? e.id, event: remediationEvent(e) });
  return { workflowId: restartDeskId(e.host), workflowType: RESTART_DESK_WORKFLOW, outcome: 'signalled' as const };
}

/** What a remediation workflow is told about an engine event. */
function remediationEvent(e: EngineEvent) {
  return {
    action: e.action,
    ...(e.status ? { status: e.status } : {}),
    timeNano: e.timeNano,
    source: e.source,
    ...(e.id ? { id: e.id } : {}),
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
    event: remediationEvent(e),
    service: e.labels['dockhand.service'],
    summary: `rule ${rule.name}: ${rule.workflow} for ${container} on ${e.host}`,
    startedBy: `trigger rule ${rule.name} (engine event ${e.action}${e.status ? `: ${e.status}` : ''})`,
  });
  logger.info({ rule: rule.name, workflowId, action: e.action, status: e.status }, 'event delivered to remediation');
  return { workflowId, workflowType: rule.workflow, outcome: 'signalled' as const };
}
