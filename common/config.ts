import os from 'node:os';
import { ORCHESTRATOR_TASK_QUEUE } from './task-queues';

/** Runtime configuration from the environment, with defaults that match scripts/stack.sh. */
export interface DockhandConfig {
  temporalAddress: string;
  temporalNamespace: string;
  redisUrl: string;
  /** This host agent's id: its task queue is dockhand-host-<hostId>. */
  hostId: string;
  /** Task queue of the orchestrator (override only to isolate test runs). */
  orchestratorTaskQueue: string;
  temporalUiUrl: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DockhandConfig {
  const hostId =
    env.DOCKHAND_HOST_ID ??
    os
      .hostname()
      .toLowerCase()
      .replace(/[^a-z0-9_.-]/g, '-');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(hostId))
    throw new Error(`DOCKHAND_HOST_ID="${hostId}" is not a host id (letters, digits, "_", "." and "-")`);
  return {
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    hostId,
    orchestratorTaskQueue: env.DOCKHAND_ORCHESTRATOR_QUEUE ?? ORCHESTRATOR_TASK_QUEUE,
    temporalUiUrl: env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${env.TEMPORAL_UI_PORT ?? '8233'}`,
  };
}
