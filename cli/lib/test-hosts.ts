import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { newRedis } from '../../client/redis-connection';
import { forgetHost } from '../../activities/hosts/host-registry';
import { readVariable } from '../../common/config';
import { hostRegistryName } from '../../common/hosts/host-registry';
import {
  cleanEngineNamespace,
  killByPidFile,
  notePid,
  startEngineNamespace,
  type EngineNamespace,
} from './engine-namespace';
import { cleanImageRegistry, startImageRegistry, type PushedImage, type RegistryLogin } from './image-registry';
import { ROOT, spawnTs } from './processes';

/**
 * Test hosts on one machine (`dockhand stack up --hosts N`): N Docker Engines, each in a network
 * namespace of its own (own bridge, iptables, data root, socket), one host agent per engine registered
 * in the host registry, and one image registry every engine pulls from. Everything is named after
 * `name` (engines `<name>1…<name>N`, host ids `<hostIdPrefix>1…`), so `down` removes it by those names
 * whatever a crashed run left, and `up` starts with a `down`.
 *
 * Address blocks (third octet of 10.213.x.0): the registry `registryBlock`, the hosts `firstBlock` on.
 * The chaos suite uses 201–232; the stack uses 100 and 101–108.
 */
export interface TestHostsOptions {
  /** [a-z0-9]{1,8}: prefix of the engines' names. */
  name: string;
  /** 1–MAX_TEST_HOSTS. */
  count: number;
  firstBlock: number;
  registryBlock: number;
  registryPort: number;
  /** Host ids are `<hostIdPrefix><i>` (default: `name`). */
  hostIdPrefix?: string;
  /** The registry requires this login (pushes use it; agents need DOCKHAND_REGISTRY_* in `agentEnv`). */
  registryAuth?: RegistryLogin;
  /** Images of the shared engine pushed to the registry (as `<registry>/<image>`). */
  images?: string[];
  /** The agents' environment on top of this process's (Temporal, Redis, host registry …). */
  agentEnv?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

interface TestHost {
  hostId: string;
  engine: EngineNamespace;
  /** The agent's log file. */
  agentLog: string;
}

export interface TestHosts {
  hosts: TestHost[];
  /** host:port of the registry. */
  registry: string;
  pushed: PushedImage[];
}

/** At most this many: the stack's blocks are 101–108. */
export const MAX_TEST_HOSTS = 8;

/** The stack's own test hosts (`dockhand stack up --hosts N`). */
export const STACK_TEST_HOSTS = { name: 'fleet', firstBlock: 101, registryBlock: 100, registryPort: 5100 } as const;

/** Fixture images the stack pushes to its registry. */
export const REGISTRY_FIXTURE_IMAGES = [
  'dockhand-fixture-app:v1',
  'dockhand-fixture-app:v2',
  'dockhand-fixture-app:broken',
  'dockhand-fixture-app:flaky',
  'dockhand-edge:1',
];

const RUN_DIR = '/run/dockhand';
const agentPidFile = (engine: string) => path.join(RUN_DIR, `${engine}-agent.pid`);
const agentLogFile = (engine: string) => path.join(RUN_DIR, `${engine}-agent.log`);

/** Checks the options; a bad one throws naming it, before anything changes. */
export function checkTestHostsOptions(o: Pick<TestHostsOptions, 'name' | 'count' | 'firstBlock'>): void {
  if (!/^[a-z0-9]{1,8}$/.test(o.name)) throw new Error(`test hosts name "${o.name}" is not [a-z0-9]{1,8}`);
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > MAX_TEST_HOSTS)
    throw new Error(`--hosts: ${o.count} is not a whole number from 1 to ${MAX_TEST_HOSTS}`);
  if (o.firstBlock < 1 || o.firstBlock + MAX_TEST_HOSTS - 1 > 254)
    throw new Error(`test hosts first block ${o.firstBlock} leaves no room for ${MAX_TEST_HOSTS} hosts below 255`);
}

/** Installs Debian's docker-registry, skopeo and crun when missing (through scripts/stack.sh, the one
 * place that installs packages), so a test that makes test hosts runs on a fresh machine too. */
export async function ensureTestHostPackages(): Promise<void> {
  if (['/usr/bin/docker-registry', '/usr/bin/skopeo', '/usr/bin/crun'].every((f) => existsSync(f))) return;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'scripts/stack.sh'), 'test-host-packages'], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`scripts/stack.sh test-host-packages exited with ${code}`)),
    );
  });
}

/** Brings up the registry, pushes the images, then the engines and their agents side by side. */
export async function testHostsUp(o: TestHostsOptions): Promise<TestHosts> {
  checkTestHostsOptions(o);
  const log = o.log ?? (() => undefined);
  await ensureTestHostPackages();
  await testHostsDown(o);
  log(`registry on 10.213.${o.registryBlock}.1:${o.registryPort}`);
  const registry = await startImageRegistry({
    name: `${o.name}reg`,
    block: o.registryBlock,
    port: o.registryPort,
    auth: o.registryAuth,
  });
  const pushed = await registry.push(o.images ?? []);
  for (const p of pushed) log(`pushed ${p.ref} (${p.digest})`);
  const hosts = await Promise.all(
    Array.from({ length: o.count }, async (_, i) => {
      const name = `${o.name}${i + 1}`;
      const hostId = `${o.hostIdPrefix ?? o.name}${i + 1}`;
      const engine = await startEngineNamespace({
        name,
        block: o.firstBlock + i,
        insecureRegistries: [registry.address],
      });
      log(`engine ${name}: ${engine.dockerHost}, address ${engine.address}`);
      const agentLog = await startAgent(name, hostId, engine.dockerHost, o.agentEnv ?? {});
      log(`host agent ${hostId} polls (log ${agentLog})`);
      return { hostId, engine, agentLog };
    }),
  );
  return { hosts, registry: registry.address, pushed };
}

/** Removes every test host of this name (agents, engines, namespaces, veths, directories), the registry
 * and its data, and forgets the hosts in the host registry. Idempotent. */
export async function testHostsDown(
  o: Pick<TestHostsOptions, 'name' | 'hostIdPrefix' | 'agentEnv'> & { forget?: boolean },
): Promise<void> {
  await Promise.all(
    Array.from({ length: MAX_TEST_HOSTS }, async (_, i) => {
      const name = `${o.name}${i + 1}`;
      await killByPidFile(agentPidFile(name), 'workers/host-agent.ts', 'SIGTERM', 15_000);
      rmSync(agentPidFile(name), { force: true });
      rmSync(agentLogFile(name), { force: true });
      await cleanEngineNamespace(name);
    }),
  );
  await cleanImageRegistry(`${o.name}reg`);
  if (o.forget !== false) await forgetHosts(o);
}

async function forgetHosts(o: Pick<TestHostsOptions, 'name' | 'hostIdPrefix' | 'agentEnv'>): Promise<void> {
  const env = { ...process.env, ...o.agentEnv };
  const redis = newRedis(readVariable('REDIS_URL', env), { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const registry = hostRegistryName(env);
    for (let i = 1; i <= MAX_TEST_HOSTS; i++) await forgetHost(redis, registry, `${o.hostIdPrefix ?? o.name}${i}`);
  } catch {
    // No Redis: nothing registered there to forget.
  } finally {
    redis.disconnect();
  }
}

/** SIGKILLs the agent of test host `index` (0-based): its engine goes on serving, nothing answers for it. */
export async function killTestAgent(o: Pick<TestHostsOptions, 'name'>, index: number): Promise<void> {
  await killByPidFile(agentPidFile(`${o.name}${index + 1}`), 'workers/host-agent.ts', 'SIGKILL', 5_000);
}

/** Starts the agent of test host `index` again (after killTestAgent); resolves when it polls. */
export async function restartTestAgent(o: TestHostsOptions, up: TestHosts, index: number): Promise<void> {
  const h = up.hosts[index]!;
  await startAgent(`${o.name}${index + 1}`, h.hostId, h.engine.dockerHost, o.agentEnv ?? {});
}

/** A detached host agent for one engine (it outlives the CLI that started it); resolves when it polls. */
async function startAgent(engine: string, hostId: string, dockerHost: string, env: NodeJS.ProcessEnv) {
  const logFile = agentLogFile(engine);
  const out = openSync(logFile, 'a');
  const child = spawnTs(
    'workers/host-agent.ts',
    { ...env, DOCKHAND_HOST_ID: hostId, DOCKER_HOST: dockerHost },
    { detached: true, stdio: ['ignore', out, out] },
  );
  notePid(agentPidFile(engine), child.pid!);
  child.unref();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = readFileSync(logFile, 'utf8');
    if (text.includes('polling"')) return logFile;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`host agent ${hostId} did not start polling: ${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
