import os from 'node:os';
import type { ClientConfigProfile, ClientConfigTLS } from '@temporalio/envconfig';
import { temporalProfile } from './temporal-profile';
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
  TEMPORAL_TLS: z
    .enum(['0', '1'], { error: 'is not 0 or 1' })
    .default('0')
    .describe('1: connect to Temporal over TLS (implied by the TLS files and an API key)'),
  TEMPORAL_TLS_CA: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe("the server's CA (PEM file); default the system's"),
  TEMPORAL_TLS_CERT: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe('mTLS client certificate (PEM file)'),
  TEMPORAL_TLS_KEY: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe('mTLS client key (PEM file)'),
  TEMPORAL_TLS_SERVER_NAME: z
    .string()
    .min(1)
    .optional()
    .describe("the name the server's certificate must carry, when not the address's host"),
  TEMPORAL_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('Temporal API key (Temporal Cloud); sent as a bearer token over TLS'),
  TEMPORAL_PROFILE: z
    .string()
    .min(1)
    .optional()
    .describe('profile of the Temporal client config file to connect with (`dockhand --profile`); default "default"'),
  TEMPORAL_CONFIG_FILE: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe('the Temporal client config file (TOML); default ~/.config/temporalio/temporal.toml'),
  DOCKHAND_CODEC_KEYS: z
    .string()
    .min(1)
    .optional()
    .describe(
      'payload encryption keys, `<id>=<32-byte key, base64>` comma-separated, the first encrypts (every client and worker: all the same)',
    ),
  DOCKHAND_CODEC_KEY_FILE: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe('the same keys from a file, one `<id>=<key>` per line (instead of DOCKHAND_CODEC_KEYS)'),
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
  REDIS_TLS_CA: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe("the CA (PEM file) of a rediss:// Redis's certificate; default the system's"),
  REDIS_TLS_CERT: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe(
      'client certificate (PEM file) for a rediss:// Redis that requires one (tls-auth-clients); with REDIS_TLS_KEY',
    ),
  REDIS_TLS_KEY: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe("the client certificate's private key (PEM file); with REDIS_TLS_CERT"),
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
  DOCKHAND_WORKFLOW_CACHE_DIR: z
    .string()
    .min(1)
    .default(path.join('.dockhand', 'workflow-bundles'))
    .describe(
      'where the orchestrator keeps its built workflow bundle for the next start (`off`: build at every start)',
    ),
  DOCKHAND_NOTIFY_WEBHOOK_URL: z
    .url({ error: 'is not a URL' })
    .optional()
    .describe('the orchestrator posts notifications (approvals, incidents) there as JSON; unset: log only'),
  DOCKHAND_NOTIFY_WEBHOOK_SECRET: z
    .string()
    .min(16, 'is too short: use at least 16 characters (or file:<path>)')
    .optional()
    .describe(
      'signs the webhook notifications (x-hub-signature-256 over timestamp, delivery id and body); file:<path> reads it from a file',
    ),
  DOCKHAND_NOTIFY_SLACK_URL: z
    .string()
    .regex(/^(https?:\/\/|file:\/)/, 'is not a URL (or file:<path> holding one)')
    .optional()
    .describe('Slack-compatible incoming webhook for notifications (file:<path> reads it from a file); unset: none'),
  DOCKHAND_NOTIFY_PAGERDUTY_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('PagerDuty Events v2 routing key: critical notifications page (file:<path> reads it from a file)'),
  DOCKHAND_NOTIFY_PAGERDUTY_URL: z
    .url({ error: 'is not a URL' })
    .default('https://events.pagerduty.com/v2/enqueue')
    .describe('PagerDuty Events v2 endpoint (tests point it at a local receiver)'),
  DOCKHAND_METRICS_PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'is not a port number')
    .optional()
    .describe('a worker serves /metrics, /healthz and /readyz on this port (0.0.0.0); unset: none'),
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
  DOCKHAND_REGISTRY_SERVER: z
    .string()
    .regex(/^[a-zA-Z0-9.-]+(:\d+)?$/, 'is not host[:port]')
    .optional()
    .describe('the registry (host[:port]) a host agent sends DOCKHAND_REGISTRY_USERNAME/PASSWORD to; no other'),
  DOCKHAND_REGISTRY_USERNAME: z.string().optional().describe("a host agent's registry user (with _SERVER, _PASSWORD)"),
  DOCKHAND_REGISTRY_PASSWORD: z
    .string()
    .optional()
    .describe("a host agent's registry password (with _SERVER, _USERNAME); never in workflow input or logs"),
  DOCKHAND_USER: z
    .string()
    .optional()
    .describe('who the CLI is: sent as its Temporal client identity, which approver lists check (`--by` overrides)'),
  TRIVY_PATH: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe(
      'host agent: the trivy binary image scans run (default: trivy on PATH, else the one scripts/stack.sh builds)',
    ),
  DOCKHAND_TRIVY_DB: z
    .string()
    .regex(/^(trivy|dir:\/.+|oci:[^\s]+)$/, 'is not "trivy", "dir:<absolute path>" or "oci:<repository>"')
    .default('trivy')
    .describe(
      "host agent: the vulnerability database: trivy (Trivy's own repository), oci:<repository> or dir:<Trivy cache dir>",
    ),
  DOCKHAND_TRIVY_CACHE_DIR: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .optional()
    .describe('host agent: where Trivy keeps a downloaded database (default ~/.cache/dockhand/trivy)'),
  // The host agent's own policy (common/host-policy.ts parses and checks them; the agent refuses to
  // start on a bad value).
  DOCKHAND_AGENT_ALLOW_PRIVILEGED: z.string().optional().describe('host agent: allow privileged specs (1)'),
  DOCKHAND_AGENT_ALLOW_HOST_NAMESPACES: z.string().optional().describe('host agent: allow network: host (1)'),
  DOCKHAND_AGENT_BIND_PATHS: z.string().optional().describe('host agent: directories bind mounts may come from'),
  DOCKHAND_AGENT_SECRET_FILES: z
    .string()
    .optional()
    .describe('host agent: directories secret and env files may be read from'),
  DOCKHAND_AGENT_SECRET_ENV: z.string().optional().describe('host agent: agent variables secretEnv.fromEnv may read'),
  DOCKHAND_AGENT_DATA_DIR: z.string().optional().describe('host agent: exports and builds only below it'),
  DOCKHAND_AGENT_HASH_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{32,}|[A-Za-z0-9+/]{22,}={0,2})$/, 'is not a key of at least 16 bytes (hex or base64)')
    .optional()
    .describe('host agent: key of the HMAC over secret values in spec hashes; default a key file in its data dir'),
  CI: z
    .string()
    .optional()
    .describe(
      'set by CI services: the CLI then prints plain progress lines, nothing animated (any value but "0"/"false")',
    ),
  DOCKHAND_TEST_HOST_RUNTIME: z
    .enum(['crun', 'runc'], { error: 'is not crun or runc' })
    .optional()
    .describe("test hosts' engines: their OCI runtime (default crun where /usr/bin/crun is, else runc)"),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'is not a log level (fatal, error, warn, info, debug, trace, silent)',
    })
    .default('info')
    .describe('worker log level (pino, JSON lines)'),
};

export type EnvironmentName = keyof typeof ENVIRONMENT;
export type Environment = z.output<z.ZodObject<typeof ENVIRONMENT>>;

/** Variables whose values are secrets (TEMPORAL_TLS_KEY is a path, not one). */
const SECRET_VARIABLE = /(SECRET|PASSWORD|API_KEY|PAGERDUTY_KEY|SLACK_URL)$/;

/** One variable, parsed: its default when unset; a bad value throws `NAME="value" <why>`. */
export function readVariable<N extends EnvironmentName>(name: N, env: NodeJS.ProcessEnv = process.env): Environment[N] {
  const raw = env[name];
  const parsed = ENVIRONMENT[name].safeParse(raw === '' ? undefined : raw);
  // A secret's value never goes into an error message (it would land in logs and CI output).
  const shown = SECRET_VARIABLE.test(name) ? '<hidden>' : raw;
  if (!parsed.success) throw new Error(`${name}="${shown}" ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
  return parsed.data as Environment[N];
}

/** Every variable, parsed; all bad values are reported together, each by name. */
function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
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

/** `dockhand --profile <name>`: the Temporal client config profile this process connects with (as if
 * TEMPORAL_PROFILE were set), for every loadConfig() after it. */
export function selectTemporalProfile(name: string): void {
  Object.assign(process.env, { TEMPORAL_PROFILE: name });
}

/** Runtime configuration from the environment, with defaults that match scripts/stack.sh. */
export interface DockhandConfig {
  temporalAddress: string;
  temporalNamespace: string;
  /** TLS to Temporal (files are read when connecting); undefined: plain TCP. */
  temporalTls?: {
    ca?: string;
    cert?: string;
    key?: string;
    serverName?: string;
    /** The TLS section of the Temporal client config profile (paths or inline PEM), when no TLS variable is set. */
    fromProfile?: ClientConfigTLS;
  };
  temporalApiKey?: string;
  /** Payload encryption keys (client/data-converter.ts reads them); undefined: payloads in clear. */
  codecKeys?: { text: string } | { file: string };
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
  /** Absolute path where built workflow bundles are kept (workers/lib/workflow-bundle.ts); undefined: none. */
  workflowCacheDir?: string;
  notifyWebhookUrl?: string;
  /** Secrets as given: `file:<path>` is read by the worker that uses them (see secretValue). */
  notifyWebhookSecret?: string;
  notifySlackUrl?: string;
  notifyPagerDutyKey?: string;
  notifyPagerDutyUrl: string;
  metricsPort?: number;
  memorySampleMs: number;
  memoryThresholdPct: number;
  rulesPath: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DockhandConfig {
  const e = readEnvironment(env);
  const profile = temporalProfile(env);
  const given = (name: EnvironmentName) => env[name] !== undefined && env[name] !== '';
  return {
    temporalAddress: given('TEMPORAL_ADDRESS') ? e.TEMPORAL_ADDRESS : (profile.address ?? e.TEMPORAL_ADDRESS),
    temporalNamespace: given('TEMPORAL_NAMESPACE') ? e.TEMPORAL_NAMESPACE : (profile.namespace ?? e.TEMPORAL_NAMESPACE),
    ...temporalSecurity(e, profile),
    ...codecKeys(e),
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
    ...(e.DOCKHAND_WORKFLOW_CACHE_DIR !== 'off'
      ? { workflowCacheDir: path.resolve(e.DOCKHAND_WORKFLOW_CACHE_DIR) }
      : {}),
    notifyWebhookUrl: e.DOCKHAND_NOTIFY_WEBHOOK_URL,
    notifyWebhookSecret: e.DOCKHAND_NOTIFY_WEBHOOK_SECRET,
    notifySlackUrl: e.DOCKHAND_NOTIFY_SLACK_URL,
    notifyPagerDutyKey: e.DOCKHAND_NOTIFY_PAGERDUTY_KEY,
    notifyPagerDutyUrl: e.DOCKHAND_NOTIFY_PAGERDUTY_URL,
    ...(e.DOCKHAND_METRICS_PORT !== undefined ? { metricsPort: Number(e.DOCKHAND_METRICS_PORT) } : {}),
    memorySampleMs: e.DOCKHAND_MEMORY_SAMPLE_MS,
    memoryThresholdPct: e.DOCKHAND_MEMORY_THRESHOLD_PCT,
    rulesPath: e.DOCKHAND_RULES,
  };
}

/** TLS and API key settings of the Temporal connection; a client certificate needs its key (and the
 * reverse), and an API key is only ever sent over TLS. */
function temporalSecurity(
  e: ReturnType<typeof readEnvironment>,
  profile: ClientConfigProfile = {},
): Pick<DockhandConfig, 'temporalTls' | 'temporalApiKey'> {
  if (!e.TEMPORAL_TLS_CERT !== !e.TEMPORAL_TLS_KEY)
    throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: give both (mTLS) or neither');
  const apiKey = e.TEMPORAL_API_KEY ?? profile.apiKey;
  const tlsVariables = e.TEMPORAL_TLS === '1' || e.TEMPORAL_TLS_CA || e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_SERVER_NAME;
  // The profile's TLS, whole, when no TLS variable is set (an API key still implies TLS).
  if (!tlsVariables && profile.tls && !profile.tls.disabled)
    return { temporalTls: { fromProfile: profile.tls }, ...(apiKey ? { temporalApiKey: apiKey } : {}) };
  const tls = tlsVariables || apiKey;
  return {
    ...(tls
      ? {
          temporalTls: {
            ...(e.TEMPORAL_TLS_CA ? { ca: e.TEMPORAL_TLS_CA } : {}),
            ...(e.TEMPORAL_TLS_CERT ? { cert: e.TEMPORAL_TLS_CERT, key: e.TEMPORAL_TLS_KEY } : {}),
            ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverName: e.TEMPORAL_TLS_SERVER_NAME } : {}),
          },
        }
      : {}),
    ...(apiKey ? { temporalApiKey: apiKey } : {}),
  };
}

/** Where the payload codec's keys come from: the variable or the file, not both (which would win?). */
function codecKeys(e: ReturnType<typeof readEnvironment>): Pick<DockhandConfig, 'codecKeys'> {
  if (e.DOCKHAND_CODEC_KEYS && e.DOCKHAND_CODEC_KEY_FILE)
    throw new Error('DOCKHAND_CODEC_KEYS and DOCKHAND_CODEC_KEY_FILE: give one of them, not both');
  if (e.DOCKHAND_CODEC_KEYS) return { codecKeys: { text: e.DOCKHAND_CODEC_KEYS } };
  if (e.DOCKHAND_CODEC_KEY_FILE) return { codecKeys: { file: e.DOCKHAND_CODEC_KEY_FILE } };
  return {};
}
