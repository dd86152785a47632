import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { killByPidFile } from '../../cli/lib/engine-namespace';
import { notePid } from '../../cli/lib/engine-namespace';

/**
 * A Redis and a Temporal dev server of a harness's own, on ports of its own, each a detached process
 * with a pid file in `stateDir`, so a harness may kill and restart them (the Redis append-only file
 * and the Temporal database file are kept) and a later run finds and stops what a crashed one left.
 * The shared Redis (:6379) and Temporal (:7233) are never touched.
 */

// Keep in step with scripts/stack.sh and common/search-attributes.ts.
const SEARCH_ATTRIBUTES = ['DockhandService', 'DockhandPhase', 'DockhandImage', 'DockhandHost', 'DockhandWorkflow'];

function temporalCliPath(): string {
  const cache = process.env.DOCKHAND_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'dockhand');
  const bin = process.env.TEMPORAL_CLI_PATH ?? path.join(cache, 'temporal-v1.4.1', 'temporal');
  if (!existsSync(bin)) throw new Error(`no Temporal CLI at ${bin}: run scripts/stack.sh up once (it builds it)`);
  return bin;
}

export function tcpAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => (s.destroy(), resolve(true)));
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(false));
  });
}

function redisPong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write('PING\r\n'));
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    s.once('data', (d) => (s.destroy(), resolve(d.toString().startsWith('+PONG'))));
    s.once('error', () => resolve(false));
  });
}

async function waitUntil(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${ms / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A detached server with a pid file: start (again), kill (a crash, or SIGTERM), and whether it answers. */
export interface OwnServer {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function detached(stateDir: string, name: string, marker: string, cmd: string, args: string[]) {
  const pidFile = path.join(stateDir, `${name}.pid`);
  return {
    pidFile,
    launch() {
      const out = openSync(path.join(stateDir, `${name}.log`), 'a');
      const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, out] });
      notePid(pidFile, child.pid!);
      child.unref();
    },
    // The marker is on this server's command line only (its address, or its database file).
    stop: (signal: NodeJS.Signals = 'SIGTERM') => killByPidFile(pidFile, marker, signal, 20_000),
  };
}

/** redis-server on 127.0.0.1:`port`, append-only with fsync on every write, data in `stateDir`/redis. */
export async function ownRedis(stateDir: string, port: number): Promise<OwnServer> {
  const dir = path.join(stateDir, 'redis');
  mkdirSync(dir, { recursive: true });
  // redis-server shows itself as "redis-server 127.0.0.1:<port>".
  const proc = detached(stateDir, 'redis', `127.0.0.1:${port}`, 'redis-server', [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--save',
    '',
  ]);
  await proc.stop(); // a leftover of a crashed run
  const server: OwnServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (await redisPong(port)) throw new Error(`something else answers on 127.0.0.1:${port}; pick another port`);
      proc.launch();
      await waitUntil(`redis-server on ${port}`, 20_000, () => redisPong(port));
    },
    stop: proc.stop,
  };
  await server.start();
  return server;
}

/** The Temporal dev server on 127.0.0.1:`port` (UI on `uiPort`), its database in `stateDir`/temporal.db,
 * with Dockhand's search attributes: a restart keeps every workflow. */
export async function ownTemporal(stateDir: string, port: number, uiPort: number): Promise<OwnServer & { ui: string }> {
  const sa = SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a}=Keyword`]);
  const proc = detached(stateDir, 'temporal', stateDir, temporalCliPath(), [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--http-port',
    String(port + 1),
    '--db-filename',
    path.join(stateDir, 'temporal.db'),
    '--log-level',
    'warn',
    ...sa,
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.workerVersioningWorkflowAPIs=true',
  ]);
  await proc.stop();
  const server = {
    url: `127.0.0.1:${port}`,
    port,
    ui: `http://127.0.0.1:${uiPort}`,
    async start() {
      if (await tcpAnswers(port)) throw new Error(`something else answers on 127.0.0.1:${port}; pick another port`);
      proc.launch();
      await waitUntil(`the Temporal dev server on ${port}`, 90_000, () => tcpAnswers(port));
    },
    stop: proc.stop,
  };
  await server.start();
  return server;
}
