import { Worker } from '@temporalio/worker';
import {
  createEventActivities,
  createHostRegistryActivities,
  createNotifierActivities,
  createOrchestratorActivities,
} from '../activities';
import { Queue } from 'bullmq';
import { newRedis } from '../client/redis-connection';
import { loadConfig } from '../common/config';
import { logger } from '../common/logger';
import { connectWorker } from './lib/temporal';
import { dockhandDataConverter } from '../client/data-converter';
import { installTelemetry } from './lib/telemetry';
import type { Client } from '@temporalio/client';
import { connectClient } from '../client/connection';
import { createChangeActivities } from '../activities/changes/running-changes';
import { createAnswerIdentityActivities } from '../activities/changes/answer-identity';
import { sharedClient } from './lib/shared-client';
import { orchestratorBundle, workflowBundle } from './lib/workflow-bundle';

/** The orchestrator: runs Dockhand's workflows (deterministic code, no Docker access). */
async function run(): Promise<void> {
  const config = loadConfig();
  const telemetry = await installTelemetry(config, 'orchestrator');
  // Connected on first use (the health sweep publishes events); closed on shutdown so the process exits.
  const redis = newRedis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const events = new Queue(config.eventsQueue, { connection: redis });
  events.on('error', (err) => logger.warn({ err: err.message }, 'events queue: Redis trouble'));
  // Clean-up asks whether a service's change is running (a describe per service), and every answer's
  // identity is read back from the history: one client, connected as the worker starts (shared-client.ts).
  const client = sharedClient<Client>(() => connectClient(config));
  const temporalClient = client.get;
  const dataConverter = dockhandDataConverter(config);
  const code = await workflowBundle(orchestratorBundle(dataConverter?.failureConverterPath), config.workflowCacheDir);
  if (code.warning) logger.warn(code.warning);
  logger.info({ source: code.source }, 'workflow bundle ready');
  const worker = await Worker.create({
    connection: await connectWorker(config),
    namespace: config.temporalNamespace,
    dataConverter,
    taskQueue: config.orchestratorTaskQueue,
    workflowBundle: code.bundle,
    // Work that needs no Docker host (scan reports, notifications, events) runs beside the workflows.
    activities: {
      ...createOrchestratorActivities(config.reportsDir, telemetry.meter),
      ...createNotifierActivities({
        webhookUrl: config.notifyWebhookUrl,
        webhookSecret: config.notifyWebhookSecret,
        slackUrl: config.notifySlackUrl,
        pagerDutyKey: config.notifyPagerDutyKey,
        pagerDutyUrl: config.notifyPagerDutyUrl,
        temporalUiUrl: config.temporalUiUrl,
        namespace: config.temporalNamespace,
      }),
      ...createEventActivities(events),
      ...createHostRegistryActivities(redis, config.hostRegistry),
      ...createChangeActivities(temporalClient),
      ...createAnswerIdentityActivities(temporalClient),
    },
  });
  client.warm((err) => logger.warn({ err: (err as Error).message }, 'Temporal client: not connected yet'));
  const health = await telemetry.serve(() => worker.getState() === 'RUNNING');
  logger.info({ taskQueue: config.orchestratorTaskQueue }, 'orchestrator polling');
  await worker.run();
  health?.close();
  await events.close();
  await (await client.current())?.connection.close();
  redis.disconnect();
  logger.info('orchestrator stopped');
}

run().catch((err) => {
  logger.error({ err }, 'orchestrator failed');
  process.exit(1);
});
