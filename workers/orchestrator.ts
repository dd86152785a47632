import { Worker } from '@temporalio/worker';
import { createEventActivities, createNotifierActivities } from '../activities';
import { eventsQueueName } from '../common/events/queues';
import { loadConfig } from '../common/config';
import { logger } from '../common/logger';
import { connectWorker } from './lib/temporal';

/** The orchestrator: runs Dockhand's workflows (deterministic code, no Docker access). */
async function run(): Promise<void> {
  const config = loadConfig();
  const worker = await Worker.create({
    connection: await connectWorker(config),
    namespace: config.temporalNamespace,
    taskQueue: config.orchestratorTaskQueue,
    workflowsPath: require.resolve('../workflows'),
    // Work that needs no host (notifications) runs beside the workflows, on their queue.
    activities: {
      ...createNotifierActivities({ webhookUrl: process.env.DOCKHAND_NOTIFY_WEBHOOK_URL, temporalUiUrl: config.temporalUiUrl, namespace: config.temporalNamespace }),
      ...createEventActivities(config.redisUrl, eventsQueueName()),
    },
  });
  logger.info({ taskQueue: config.orchestratorTaskQueue }, 'orchestrator polling');
  await worker.run();
  logger.info('orchestrator stopped');
}

run().catch((err) => {
  logger.error({ err }, 'orchestrator failed');
  process.exit(1);
});
