import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  deployJobId,
  type DeliveryStatus,
  type DeployJob,
  type DeployJobProgress,
  type DeployJobResult,
} from '../../common/events/deploy-request';
import { JOB_RETENTION, WORKER_RECOVERY, cappedBackoffMs } from '../../common/events/queues';
import { logger } from '../../common/logger';
import { serviceChangeId } from '../../common/workflow-ids';

/** Job attempts: an attempt fails only when Temporal or the file cannot be reached; a deploy that
 * fails is a completed job with state "failed". */
const DEPLOY_JOB_OPTIONS = { attempts: 100, backoff: { type: 'capped' }, ...JOB_RETENTION } as const;

/** A deploy job stalls each time a trigger stops while it follows a deploy: a restart, not a job that
 * kills its worker, so BullMQ's default (fail it on the second stall) does not fit. */
const DEPLOY_STALLS_ALLOWED = 1000;

/**
 * CI deploy requests, one BullMQ queue per service (`<events queue>.deploy.<service>`) with one worker
 * each (concurrency 1): a service's requests run one after another in arrival order, and different
 * services' run side by side. The job id is the delivery id, so a redelivery queues nothing.
 */
export class DeployQueues {
  private readonly queues = new Map<string, Queue<DeployJob>>();
  private readonly workers = new Map<string, Worker<DeployJob>>();
  private readonly connections: Redis[] = [];

  constructor(
    private readonly base: string,
    private readonly connect: () => Redis,
    private readonly process: (job: Job<DeployJob>) => Promise<DeployJobResult>,
  ) {}

  /** Queues a request (idempotent per delivery id); says whether it was a redelivery. */
  async enqueue(job: DeployJob): Promise<{ jobId: string; duplicate: boolean }> {
    const queue = this.serve(job.service);
    const jobId = deployJobId(job.deliveryId);
    const duplicate = (await queue.getJob(jobId)) !== undefined;
    if (!duplicate) await queue.add('deploy-request', job, { jobId, ...DEPLOY_JOB_OPTIONS });
    return { jobId, duplicate };
  }

  /** Where a delivery is, looked up in the queues of the services the file declares. */
  async status(deliveryId: string, services: string[], uiLink: (workflowId: string, runId?: string) => string) {
    for (const service of services) {
      const job = await this.serve(service).getJob(deployJobId(deliveryId));
      if (!job) continue;
      const state = await job.getState();
      const ahead = state === 'waiting' ? await this.ahead(service, job) : 0;
      return statusOf(job, state, uiLink, ahead);
    }
    return undefined;
  }

  /** Requests of the service that run before this waiting one (the running one included). */
  private async ahead(service: string, job: Job<DeployJob>): Promise<number> {
    const queue = this.serve(service);
    const [active, waiting] = await Promise.all([queue.getActiveCount(), queue.getWaiting()]);
    // getWaiting lists the newest first; the job runs after every one older than it.
    return (
      active +
      waiting.filter((w) => w.timestamp < job.timestamp || (w.timestamp === job.timestamp && w.id! < job.id!)).length
    );
  }

  private connection(): Redis {
    const c = this.connect();
    this.connections.push(c);
    return c;
  }

  /** The service's queue, and a worker on it (started on first use). */
  serve(service: string): Queue<DeployJob> {
    let queue = this.queues.get(service);
    if (!queue) {
      const name = `${this.base}.deploy.${service}`;
      queue = new Queue<DeployJob>(name, { connection: this.connection() });
      this.queues.set(service, queue);
      const worker = new Worker<DeployJob>(name, this.process, {
        connection: this.connection(),
        concurrency: 1,
        settings: { backoffStrategy: cappedBackoffMs },
        maxStalledCount: DEPLOY_STALLS_ALLOWED,
        ...WORKER_RECOVERY,
      });
      worker.on('failed', (job, err) =>
        logger.warn({ jobId: job?.id, service, err: err.message }, 'deploy request attempt failed; it will be retried'),
      );
      worker.on('error', (err) => logger.warn({ service, err: err.message }, 'deploy queue connection trouble'));
      this.workers.set(service, worker);
    }
    return queue;
  }

  /** Stops at once: a deploy runs in Temporal whatever the trigger does, and may wait hours for an
   * approval. Each job being followed stalls (its lock lapses) and the next trigger follows the same
   * run to its end: the job processor finds it by the delivery id. */
  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.close(true)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    // BullMQ leaves connections it was handed open: they would go on reconnecting (and erring, with
    // no listener left) after the stop.
    for (const c of this.connections) c.disconnect();
  }
}

function statusOf(
  job: Job<DeployJob>,
  state: string,
  uiLink: (workflowId: string, runId?: string) => string,
  ahead: number,
): DeliveryStatus {
  const d = job.data;
  const workflowId = serviceChangeId(d.service);
  const base = { deliveryId: d.deliveryId, service: d.service, workflowId };
  if (state === 'completed') {
    const r = job.returnvalue as DeployJobResult;
    return {
      ...base,
      state: r.state,
      ...(r.runId ? { runId: r.runId, ui: uiLink(workflowId, r.runId) } : {}),
      ...(r.failure ? { failure: r.failure } : {}),
    };
  }
  if (state === 'failed') return { ...base, state: 'failed', failure: job.failedReason };
  const p = (typeof job.progress === 'object' ? job.progress : {}) as Partial<DeployJobProgress>;
  if (state === 'active' && p.state === 'running' && p.runId)
    return { ...base, state: 'running', runId: p.runId, ui: uiLink(workflowId, p.runId) };
  return {
    ...base,
    state: 'queued',
    ...(ahead ? { ahead } : {}),
    ...(p.waitingFor ? { waitingFor: p.waitingFor } : {}),
  };
}
