import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { stringify } from 'yaml';
import Docker from 'dockerode';
import { spawnTs } from '../cli/lib/processes';
import { loadConfig, type DockhandConfig } from '../common/config';
import { dockhandDataConverter } from '../client/data-converter';
import { killByPidFile, notePid, startEngineNamespace, type EngineNamespace } from '../cli/lib/engine-namespace';
import { ownRedis, ownTemporal, type OwnServer } from '../test/support/own-stack';

/**
 * The chaos suite's hermetic world: an engine of its own in a network namespace, a Redis and a
 * Temporal dev server of its own, and its own orchestrator, host agent and trigger worker as child
 * processes (pid files in the state dir). Every fault the suite injects lands here; the shared
 * engine, Redis and Temporal are only read from (the fixture images are copied out of the shared engine).
 */
export interface WorldOptions {
  /** [a-z0-9-]{1,10}: names the namespace, the engine, the state dir. Two worlds at once need two names. */
  name: string;
  /** Third octet of the namespace's 10.213.x.0/30. */
  block: number;
  redisPort: number;
  temporalPort: number;
  temporalUiPort: number;
  log?: (line: string) => void;
}

export type WorkerKind = 'orchestrator' | 'host-agent' | 'trigger';

const FIXTURE_IMAGES = [
  'dockhand-fixture-app:v1',
  'dockhand-fixture-app:v2',
  'dockhand-fixture-app:broken',
  'dockhand-fixture-app:flaky',
  'dockhand-edge:1',
];

/** Labels a container opts in to remediation with (the trigger's rule matches them). */
export const AUTOHEAL_LABELS = { 'dockhand.autoheal': 'true', 'chaos.world': 'chaos' };

/** The service CI deploys through the trigger's webhook (signed deliveries, redeliveries). */
export const CI_SERVICE = 'ci';

export interface World {
  readonly engine: EngineNamespace;
  /** The trigger's CI webhook (POST /hooks/deploy) and its shared secret. */
  readonly webhook: { url: string; secret: string };
  readonly docker: Docker;
  readonly redis: OwnServer;
  readonly temporal: OwnServer & { ui: string };
  readonly config: DockhandConfig;
  readonly hostId: string;
  client(): Promise<Client>;
  /** SIGKILL one worker (a crash). */
  killWorker(kind: WorkerKind): Promise<void>;
  /** Starts a worker that is not running; resolves when it polls. */
  startWorker(kind: WorkerKind): Promise<void>;
  /** Worker output (last 100 kB each), for a violation's report. */
  workerOutput(kind: WorkerKind): string;
  historyLink(workflowId: string, runId?: string): string;
  destroy(): Promise<void>;
}

const STATE_PARENT = '/var/lib';

function stateDirOf(name: string) {
  return path.join(STATE_PARENT, `dockhand-chaos-state-${name}`);
}

/** Stops what a crashed earlier world of this name left running (workers, Redis, Temporal) and
 * removes its state dir; the engine namespace cleans itself when it starts. */
async function cleanWorld(name: string): Promise<void> {
  const dir = stateDirOf(name);
  // A pid is only acted on when its command line shows what the file says it is (pids get reused).
  for (const [kind, marker] of [
    ['orchestrator', 'workers/orchestrator.ts'],
    ['host-agent', 'workers/host-agent.ts'],
    ['trigger', 'workers/trigger.ts'],
    ['redis', 'redis-server'],
    ['temporal', dir],
  ] as const)
    await killByPidFile(path.join(dir, `${kind}.pid`), marker, 'SIGKILL', 5_000);
  rmSync(dir, { recursive: true, force: true });
}

export async function startWorld(opts: WorldOptions): Promise<World> {
  const log = opts.log ?? (() => undefined);
  await cleanWorld(opts.name);
  const stateDir = stateDirOf(opts.name);
  mkdirSync(stateDir, { recursive: true });
  log(`world ${opts.name}: engine namespace`);
  const engine = await startEngineNamespace({ name: opts.name, block: opts.block, liveRestore: true });
  try {
    await engine.loadImages(FIXTURE_IMAGES);
    log(`world ${opts.name}: redis :${opts.redisPort}, temporal :${opts.temporalPort}`);
    const redis = await ownRedis(stateDir, opts.redisPort);
    const temporal = await ownTemporal(stateDir, opts.temporalPort, opts.temporalUiPort);
    const hostId = `chaos-${opts.name}`;
    const config: DockhandConfig = {
      ...loadConfig({}), // the defaults of everything the world does not set
      temporalAddress: temporal.url,
      temporalNamespace: 'default',
      redisUrl: redis.url,
      hostId,
      orchestratorTaskQueue: `dockhand-orchestrator-chaos-${opts.name}`,
      temporalUiUrl: temporal.ui,
    };
    // CI deploys of CI_SERVICE arrive through the trigger's webhook; the service file declares it.
    const webhookPort = opts.temporalUiPort + 5;
    const webhook = { url: `http://127.0.0.1:${webhookPort}/hooks/deploy`, secret: `chaos-${opts.name}-webhook` };
    const serviceFile = path.join(stateDir, 'dockhand.yml');
    writeFileSync(
      serviceFile,
      stringify({
        hosts: { [hostId]: null },
        defaults: { approval: { required: false }, bake: '0s', port: 8080, healthTimeout: '60s', queueTimeout: '10m' },
        services: {
          [CI_SERVICE]: {
            image: 'dockhand-fixture-app:v1',
            edge: { port: 0, hostIp: engine.address },
            container: {
              init: true,
              network: `${CI_SERVICE}-net`,
              healthcheck: {
                test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
                interval: '1s',
                timeout: '10s',
                retries: 5,
              },
            },
          },
        },
      }),
    );
    const rulesFile = path.join(stateDir, 'rules.json');
    writeFileSync(
      rulesFile,
      JSON.stringify({
        rules: [
          {
            name: 'autoheal',
            match: { action: 'health_status', status: 'unhealthy', labels: AUTOHEAL_LABELS },
            workflow: 'restartUnhealthy',
            args: {
              maxRestarts: 3,
              windowMs: '5m',
              backoffMs: '500ms',
              stopTimeoutS: 1,
              quarantine: 'stop',
              idleMs: '15s',
            },
          },
        ],
        webhook: { port: webhookPort, host: '127.0.0.1', secretEnv: 'CHAOS_WEBHOOK_SECRET' },
      }),
    );
    const env: NodeJS.ProcessEnv = {
      TEMPORAL_ADDRESS: config.temporalAddress,
      REDIS_URL: config.redisUrl,
      DOCKHAND_HOST_ID: hostId,
      DOCKHAND_ORCHESTRATOR_QUEUE: config.orchestratorTaskQueue,
      DOCKHAND_HOST_REGISTRY: config.orchestratorTaskQueue,
      DOCKER_HOST: engine.dockerHost,
      DOCKHAND_EVENTS_PUBLISH: '1',
      DOCKHAND_RULES: rulesFile,
      DOCKHAND_RETRY_CAP_MS: '2000',
      TEMPORAL_UI_PORT: String(opts.temporalUiPort),
      LOG_LEVEL: 'info',
      DOCKHAND_CONFIG: serviceFile,
      CHAOS_WEBHOOK_SECRET: webhook.secret,
    };
    const children = new Map<WorkerKind, { child: ChildProcess; output: string }>();
    const startWorker = async (kind: WorkerKind) => {
      const running = children.get(kind);
      if (running && running.child.exitCode === null && running.child.signalCode === null) return;
      const child = spawnTs(`workers/${kind}.ts`, env, { stdio: ['ignore', 'pipe', 'pipe'] });
      notePid(path.join(stateDir, `${kind}.pid`), child.pid!);
      const entry = { child, output: running?.output ?? '' };
      children.set(kind, entry);
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          entry.output += d.toString();
          if (entry.output.length > 200_000) entry.output = entry.output.slice(-100_000);
          if (entry.output.slice(-4000).includes('polling"')) resolve();
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code, sig) =>
          reject(new Error(`${kind} exited (${code ?? sig}) before polling:\n${entry.output.slice(-3000)}`)),
        );
      });
    };
    const killWorker = async (kind: WorkerKind) => {
      const c = children.get(kind)?.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    };
    let client: Client | undefined;
    const world: World = {
      engine,
      webhook,
      docker: new Docker({ socketPath: engine.dockerHost.replace('unix://', '') }),
      redis,
      temporal,
      config,
      hostId,
      async client() {
        client ??= new Client({
          connection: await connectWithRetry(config.temporalAddress),
          namespace: config.temporalNamespace,
          dataConverter: dockhandDataConverter(config),
        });
        return client;
      },
      killWorker,
      startWorker,
      workerOutput: (kind) => children.get(kind)?.output ?? '',
      historyLink: (id, runId) =>
        `${temporal.ui}/namespaces/default/workflows/${encodeURIComponent(id)}${runId ? `/${runId}` : ''}/history`,
      async destroy() {
        for (const kind of ['trigger', 'host-agent', 'orchestrator'] as const) await killWorker(kind);
        await client?.connection.close().catch(() => undefined);
        await engine.destroy();
        await cleanWorld(opts.name);
      },
    };
    log(`world ${opts.name}: workers`);
    await Promise.all((['orchestrator', 'host-agent', 'trigger'] as const).map((k) => world.startWorker(k)));
    return world;
  } catch (err) {
    await engine.destroy().catch(() => undefined);
    await cleanWorld(opts.name).catch(() => undefined);
    throw err;
  }
}

async function connectWithRetry(address: string): Promise<Connection> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await Connection.connect({ address });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
