import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ORCHESTRATOR_TASK_QUEUE } from './task-queues';

/**
 * Every environment variable Dockhand's workers and CLI read, with its default and what it does.
 * This is the one place they are parsed: docs/configuration.md documents exactly these names (a unit
 * test compares the two), and a bad value fails with an error naming the variable.
 */

const NAME = /^[a-zA-Z0-9_.-]+$/;
const nameOf = (what: string) => z.string().regex(NAME, `is not a ${what} (letters, digits, "_", "." and "-")`);
/** An integer of milliseconds from the environment, at least `min`. */
const millis = (fallback: number, min: number) =>
  z.coerce
    .number({ error: 'is not a number of milliseconds' })
    .int(`must be an integer of at least ${min}`)
    .min(min, `must be an integer of at least ${min}`)
    .default(fallback);

function hostnameId(): string {
  return os
    .hostname()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '-');
}

export const ENVIRONMENT = {
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233').describe('Temporal frontend (host:port)'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default').describe('Temporal namespace'),
  TEMPORAL_UI_PORT: z
    .string()
    .regex(/^\d+$/, 'is not a port number')
    .default('8233')
    .describe('port of the Temporal Web UI (links printed by the CLI)'),
  TEMPORAL_UI_URL: z
    .url({ error: 'is not a URL' })
    .optional()
    .describe('the Temporal Web UI; default http://127.0.0.1:<TEMPORAL_UI_PORT>'),
  REDIS_URL: z
    .string()
    .min(1)
    .default('redis://127.0.0.1:6379')
    .describe('Redis for the event queues and the host registry'),
  DOCKER_HOST: z.string().optional().describe('the engine a host agent drives; default the local socket'),
  DOCKHAND_HOST_ID: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'is not a host id (letters, digits, "_", "." and "-")')
    .default(hostnameId)
    .describe("the host agent's id (default: the hostname); its task queue is dockhand-host-<id>"),
  DOCKHAND_ORCHESTRATOR_QUEUE: nameOf('task queue name')
    .default(ORCHESTRATOR_TASK_QUEUE)
    .describe('task queue of the orchestrator (override only to isolate test runs)'),
  DOCKHAND_EVENTS_QUEUE: nameOf('queue name')
    .default('dockhand-events')
    .describe('BullMQ queue of engine events and CI deploy requests (tests and benchmarks isolate themselves)'),
  DOCKHAND_EVENTS_PUBLISH: z
    .enum(['0', '1'], { error: 'must be 0 or 1' })
    .default('1')
    .describe("1: a host agent publishes its engine's events; 0 turns that off"),
  DOCKHAND_RETRY_CAP_MS: millis(30_000, 1).describe(
    'cap of the backoff between attempts of an event job (tests that cut Temporal lower it)',
  ),
  DOCKHAND_HOST_REGISTRY: nameOf('registry name')
    .default('default')
    .describe('name of the host registry in Redis (agents register there; scans without hosts cover it)'),
  DOCKHAND_HOST_HEARTBEAT_MS: millis(5_000, 100).describe(
    'how often a host agent writes its last-seen time; down after three missed',
  ),
  DOCKHAND_HOSTS: z
    .string()
    .optional()
    .describe('hosts `dockhand scan` covers when no --host is given (comma-separated); default every registered host'),
  DOCKHAND_REPORTS_DIR: z
    .string()
    .min(1)
    .default(path.join('.dockhand', 'reports'))
    .describe('where the orchestrator writes scan reports and the drift baseline'),
  DOCKHAND_NOTIFY_WEBHOOK_URL: z
    .url({ error: 'is not a URL' })
    .optional()
    .describe('the orchestrator posts notifications (approvals, incidents) there as JSON; unset: log only'),
  DOCKHAND_MEMORY_SAMPLE_MS: millis(15_000, 0).describe(
    'time between memory samples of running containers on a host agent; 0 turns sampling off',
  ),
  DOCKHAND_MEMORY_THRESHOLD_PCT: z.coerce
    .number({ error: 'is not a percentage (1-100)' })
    .gt(0, 'is not a percentage (1-100)')
    .max(100, 'is not a percentage (1-100)')
    .default(90)
    .describe('usage at or above this % of the memory limit is memory pressure'),
  DOCKHAND_RULES: z.string().min(1).default('dockhand-rules.json').describe('the trigger rules file'),
  DOCKHAND_CONFIG: z
    .string()
    .min(1)
    .default('dockhand.yml')
    .describe('the service file (CLI deploy/rollback/status and the trigger); `--config` wins'),
  DOCKHAND_USER: z
    .string()
    .optional()
    .describe('who answers or starts from the CLI, for the audit trail (`--by`); default the login name'),
  CI: z
    .string()
    .optional()
    .describe(
      'set by CI services: the CLI then prints plain progress lines, nothing animated (any value but "0"/"false")',
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'is not a log level (fatal, error, warn, info, debug, trace, silent)',
    })
    .default('info')
    .describe('worker log level (pino, JSON lines)'),
};

export type EnvironmentName = keyof typeof ENVIRONMENT;
export const EnvironmentSchema = z.object(ENVIRONMENT);
export type Environment = z.output<typeof EnvironmentSchema>;

/** One variable, parsed: its default when unset; a bad value throws `NAME="value" <why>`. */
export function readVariable<N extends EnvironmentName>(name: N, env: NodeJS.ProcessEnv = process.env): Environment[N] {
  const raw = env[name];
  const parsed = ENVIRONMENT[name].safeParse(raw === '' ? undefined : raw);
  if (!parsed.success) throw new Error(`${name}="${raw}" ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  return parsed.data as Environment[N];
}

/** Every variable, parsed; all bad values are reported together, each by name. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const out: Partial<Record<EnvironmentName, unknown>> = {};
  const errors: string[] = [];
  for (const name of Object.keys(ENVIRONMENT) as EnvironmentName[]) {
    try {
      out[name] = readVariable(name, env);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (errors.length) throw new Error(`bad configuration: ${errors.join('; ')}`);
  return out as Environment;
}

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
  /** The engine a host agent drives, for messages; undefined: the local socket. */
  dockerHost?: string;
  eventsQueue: string;
  publishEvents: boolean;
  hostRegistry: string;
  hostHeartbeatMs: number;
  /** Absolute path of the reports directory. */
  reportsDir: string;
  notifyWebhookUrl?: string;
  memorySampleMs: number;
  memoryThresholdPct: number;
  rulesPath: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DockhandConfig {
  const e = readEnvironment(env);
  return {
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    redisUrl: e.REDIS_URL,
    hostId: e.DOCKHAND_HOST_ID,
    orchestratorTaskQueue: e.DOCKHAND_ORCHESTRATOR_QUEUE,
    temporalUiUrl: e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`,
    dockerHost: e.DOCKER_HOST,
    eventsQueue: e.DOCKHAND_EVENTS_QUEUE,
    publishEvents: e.DOCKHAND_EVENTS_PUBLISH === '1',
    hostRegistry: e.DOCKHAND_HOST_REGISTRY,
    hostHeartbeatMs: e.DOCKHAND_HOST_HEARTBEAT_MS,
    reportsDir: path.resolve(e.DOCKHAND_REPORTS_DIR),
    notifyWebhookUrl: e.DOCKHAND_NOTIFY_WEBHOOK_URL,
    memorySampleMs: e.DOCKHAND_MEMORY_SAMPLE_MS,
    memoryThresholdPct: e.DOCKHAND_MEMORY_THRESHOLD_PCT,
    rulesPath: e.DOCKHAND_RULES,
  };
}
