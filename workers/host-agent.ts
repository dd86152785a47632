import { Worker } from '@temporalio/worker';
import { createHostActivities } from '../activities';
import { connectEngine } from '../activities/docker/engine';
import { loadConfig } from '../common/config';
import { logger } from '../common/logger';
import { hostTaskQueue } from '../common/task-queues';
import { connectWorker } from './lib/temporal';

/** The host agent: runs every Docker activity for the engine DOCKER_HOST names, on this host's queue.
 * SIGINT/SIGTERM stop polling and let running activities finish (up to the grace time). */
async function run(): Promise<void> {
  const config = loadConfig();
  const docker = connectEngine();
  await docker.ping().catch((e: Error) => {
    throw new Error(`the Docker Engine does not answer (${process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'}): ${e.message}`);
  });
  const taskQueue = hostTaskQueue(config.hostId);
  const worker = await Worker.create({
    connection: await connectWorker(config),
    namespace: config.temporalNamespace,
    taskQueue,
    activities: createHostActivities(docker, config.hostId),
    shutdownGraceTime: '10s',
  });
  logger.info({ taskQueue, docker: process.env.DOCKER_HOST ?? 'local socket' }, 'host agent polling');
  await worker.run();
  logger.info({ taskQueue }, 'host agent stopped');
}

run().catch((err) => {
  logger.error({ err }, 'host agent failed');
  process.exit(1);
});
