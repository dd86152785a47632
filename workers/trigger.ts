import { existsSync, readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { Worker } from 'bullmq';
import { loadConfig } from '../common/config';
import { cappedBackoffMs, eventsQueueName, WORKER_RECOVERY } from '../common/events/queues';
import { parseTriggerConfig } from '../common/events/rules';
import { logger } from '../common/logger';
import { serviceFilePath } from '../client/service-file';
import type { DockhandConfig } from '../common/config';
import { createDeployJobProcessor } from './lib/deploy-job';
import { DeployQueues } from './lib/deploy-queue';
import { createDeployWebhook } from './lib/deploy-webhook';
import { ServiceFileSource } from './lib/service-file-source';
import { connectRedis, eventsQueue, type EventJobData } from './lib/redis';
import { createJobProcessor } from './lib/trigger-processor';
import { workerConcurrency } from './lib/trigger-concurrency';
import { TemporalRecovery } from './lib/temporal-recovery';
import { stopWithin } from './lib/bounded-stop';
import { JobsInFlight, stopQueueWorker } from './lib/queue-worker-stop';
import { temporalConnectionOptions } from '../client/connection-options';
import { dockhandDataConverter } from '../client/data-converter';
import { METRICS } from '../common/metrics';
import { installTelemetry } from './lib/telemetry';

/**
 * The trigger worker: consumes the events queue (bounded concurrency, rate-limited), matches engine
 * events against the rules file (DOCKHAND_RULES) and starts or signals workflows; serves the CI
 * deploy webhook when the rules file configures one. Temporal is connected lazily: while it is
 * unreachable, jobs fail their attempt and wait in Redis for the next one.
 */
async function run(): Promise<void> {
  const config = loadConfig();
  const telemetry = await installTelemetry(config, 'trigger');
  const rulesPath = config.rulesPath;
  const trigger = parseTriggerConfig(readFileSync(rulesPath, 'utf8'), rulesPath);
  const queueName = eventsQueueName();
  const client = new Client({
    connection: Connection.lazy(temporalConnectionOptions(config)),
    namespace: config.temporalNamespace,
    dataConverter: dockhandDataConverter(config),
  });
  // Warm the connection so the first event does not pay for it; failing here is fine (jobs retry).
  client.connection
    .ensureConnected()
    .catch((err: Error) => logger.warn({ err: err.message }, 'Temporal not reachable yet; jobs will wait'));

  const producer = connectRedis(config.redisUrl);
  const queue = eventsQueue(queueName, producer);
  const recovery = new TemporalRecovery(
    () => client.connection.withDeadline(Date.now() + 2000, () => client.workflowService.getSystemInfo({})),
    () => queue.promoteJobs(),
    (downMs) => logger.info({ downMs }, 'Temporal answers again: waiting jobs retried now'),
  );

  // The service file: CI requests resolve from it, and the deploy guard takes a service's guard
  // settings from it. Without a webhook it is optional (no file: rule args alone).
  const filePath = serviceFilePath();
  const file = trigger.webhook || existsSync(filePath) ? new ServiceFileSource(filePath) : undefined;
  const serviceGuard = (service: string) => file?.current().file.services[service]?.guard;
  const jobs = new JobsInFlight();
  const connection = connectRedis(config.redisUrl);
  const worker = new Worker<EventJobData>(
    queueName,
    jobs.counted(createJobProcessor(client, config, trigger.rules, serviceGuard, trigger.concurrency)),
    {
      connection,
      concurrency: workerConcurrency(trigger),
      limiter: { max: trigger.rateLimit.max, duration: trigger.rateLimit.durationMs },
      settings: { backoffStrategy: cappedBackoffMs },
      ...WORKER_RECOVERY,
    },
  );
  const processed = telemetry.meter.createCounter(METRICS.eventsProcessed, '1', 'events taken off the queue');
  worker.on('completed', (job) => processed.add(1, { kind: job.name, outcome: 'processed' }));
  worker.on('failed', (job, err) => {
    processed.add(1, { kind: job?.name ?? 'unknown', outcome: 'attempt-failed' });
    logger.warn(
      { jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
      'job attempt failed; it stays queued for a retry',
    );
    recovery.attemptFailed();
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'queue connection trouble'));

  // CI deploy requests: checked against the service file, one queue per service (arrival order).
  const deploys =
    trigger.webhook && file
      ? new DeployQueues(queueName, () => connectRedis(config.redisUrl), createDeployJobProcessor(client, config, file))
      : undefined;
  // Serve every declared service's queue now, so requests accepted before a restart resume at once.
  if (deploys) for (const service of Object.keys(file!.current().file.services)) deploys.serve(service);
  const webhook = trigger.webhook ? await startWebhook(trigger.webhook, deploys!, file!, config) : undefined;

  const health = await telemetry.serve(() => worker.isRunning());
  const rules = trigger.rules.map((r) => `${r.name}${r.enabled ? '' : ' (disabled)'}`);
  logger.info(
    { queue: queueName, rules, webhook: webhook ? `${trigger.webhook!.host}:${trigger.webhook!.port}` : 'off' },
    'trigger polling',
  );
  await new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((s) => process.once(s, () => resolve())));
  const clean = await stopWithin('the trigger', async () => {
    webhook?.close();
    health?.close();
    await deploys?.close();
    recovery.stop();
    await stopQueueWorker(worker, jobs);
    await queue.close();
    // BullMQ leaves connections it was handed open.
    connection.disconnect();
    producer.disconnect();
  });
  if (clean) logger.info('trigger stopped');
}

/** The CI webhook: requests are checked against the service file and queued per service. */
async function startWebhook(
  w: NonNullable<ReturnType<typeof parseTriggerConfig>['webhook']>,
  deploys: DeployQueues,
  file: ServiceFileSource,
  config: DockhandConfig,
) {
  // The secret itself, or (Compose/Kubernetes secrets) a file holding it named by <secretEnv>_FILE.
  const secretFile = process.env[`${w.secretEnv}_FILE`];
  const secret = process.env[w.secretEnv] || (secretFile ? readFileSync(secretFile, 'utf8').trim() : undefined);
  if (!secret)
    throw new Error(
      `the rules file configures a webhook, but ${w.secretEnv} (its shared secret) is not set, nor ${w.secretEnv}_FILE`,
    );
  const server = createDeployWebhook({
    secret,
    maxBodyBytes: w.maxBodyBytes,
    replayWindowMs: w.replayWindowMs,
    file,
    enqueue: (job) => deploys.enqueue(job),
    status: (deliveryId, services) => deploys.status(deliveryId, services, (id, runId) => uiLink(config, id, runId)),
    ...(w.tls ? { tls: { cert: readPem(w.tls.certFile, 'certFile'), key: readPem(w.tls.keyFile, 'keyFile') } } : {}),
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(w.port, w.host, resolve));
  return server;
}

/** A webhook.tls file; one that cannot be read stops the trigger naming the setting and the file. */
function readPem(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`webhook.tls.${setting}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      cause: e,
    });
  }
}

function uiLink(config: DockhandConfig, workflowId: string, runId?: string): string {
  return `${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}`;
}

run()
  .then(() => process.exit(0))
  .catch((err: Error) => {
    logger.error({ err: err.message }, 'trigger failed');
    process.exit(1);
  });
