import { Worker } from '@temporalio/worker';
import { createHostActivities } from '../activities';
import { connectEngine } from '../activities/docker/engine';
import { engineFacts, withHostPolicy } from '../activities/docker/host-policy';
import { hostPolicyFromEnv } from '../common/host-policy';
import { loadConfig, readVariable, type DockhandConfig } from '../common/config';
import { useSpecHashKey } from '../activities/docker/spec-hash';
import { loadSpecHashKey } from './lib/spec-hash-key';
import { logger } from '../common/logger';
import { hostTaskQueue } from '../common/task-queues';
import { connectWorker } from './lib/temporal';
import { dockhandDataConverter } from '../client/data-converter';
import { installTelemetry } from './lib/telemetry';
import { EventPublisher } from './lib/event-publisher';
import { connectRedis, eventsQueue } from './lib/redis';
import { HostRegistration } from './lib/host-registration';
import { MemorySampler } from './lib/memory-sampler';

/** The host agent: runs every Docker activity for the engine DOCKER_HOST names, on this host's queue.
 * SIGINT/SIGTERM stop polling and let running activities finish (up to the grace time). */
async function run(): Promise<void> {
  const config = loadConfig();
  const telemetry = await installTelemetry(config, 'host-agent');
  const docker = connectEngine();
  await docker.ping().catch((e: Error) => {
    throw new Error(
      `the Docker Engine does not answer (${config.dockerHost ?? 'unix:///var/run/docker.sock'}): ${e.message}`,
    );
  });
  const taskQueue = hostTaskQueue(config.hostId);
  // The agent's own limits, whatever a workflow asks (docs/security.md): from this host's environment.
  const policy = hostPolicyFromEnv(process.env);
  useSpecHashKey(loadSpecHashKey(readVariable('DOCKHAND_AGENT_HASH_KEY'), policy.dataDir));
  const worker = await Worker.create({
    connection: await connectWorker(config),
    namespace: config.temporalNamespace,
    dataConverter: dockhandDataConverter(config),
    taskQueue,
    activities: withHostPolicy(createHostActivities(docker, config.hostId), policy, engineFacts(docker)),
    shutdownGraceTime: '10s',
  });
  const events = publishEngineEvents(docker, config);
  // Registered before "polling" is logged: a scan of all known hosts started after that sees this one.
  const registration = new HostRegistration(
    config.redisUrl,
    config.hostRegistry,
    config.hostId,
    config.hostHeartbeatMs,
  );
  await registration.start();
  const health = await telemetry.serve(() => worker.getState() === 'RUNNING');
  logger.info({ taskQueue, docker: config.dockerHost ?? 'local socket', policy }, 'host agent polling');
  await worker.run();
  health?.close();
  registration.stop();
  await events?.stop();
  logger.info({ taskQueue }, 'host agent stopped');
}

/** Streams this engine's events into the events queue (DOCKHAND_EVENTS_PUBLISH=0 turns it off). */
function publishEngineEvents(docker: ReturnType<typeof connectEngine>, config: DockhandConfig) {
  if (!config.publishEvents) return undefined;
  const { hostId } = config;
  const redis = connectRedis(config.redisUrl);
  const queue = eventsQueue(config.eventsQueue, redis);
  const publisher = new EventPublisher(docker, queue, redis, hostId);
  const running = publisher.run().catch((err) => logger.error({ err }, 'event publisher failed'));
  // Memory samples go through the same publisher (job ids, Redis retries) without moving its cursor.
  const samplerOptions = { intervalMs: config.memorySampleMs, thresholdPct: config.memoryThresholdPct };
  const sampler =
    samplerOptions.intervalMs > 0
      ? new MemorySampler(docker, hostId, samplerOptions, (e) => publisher.publish(e, false))
      : undefined;
  const sampling = sampler?.run();
  return {
    stop: async () => {
      sampler?.stop();
      publisher.stop();
      await Promise.all([running, sampling]);
      await queue.close();
      redis.disconnect();
    },
  };
}

run().catch((err) => {
  logger.error({ err }, 'host agent failed');
  process.exit(1);
});
