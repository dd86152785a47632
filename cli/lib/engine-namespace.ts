import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runtimeFlags, runtimeLauncher, TEST_ENGINE_GO_ENV, testHostRuntime } from './engine-runtime';

const run = promisify(execFile);

/**
 * A Docker Engine of its own in a network namespace of its own (see shared/notes/multi-host.md): a
 * second dockerd with its own socket under /run/dockhand, data root, exec root and pid file, so a
 * harness may stop, kill and restart it without touching the shared engine on /var/run/docker.sock.
 * Everything it makes is named after `name`, and `clean(name)` removes all of it by those names (pid
 * file, namespace, veth, directories) — also what a crashed earlier run left behind.
 *
 * Addresses come from 10.213.<block>.0/30 (the host side .1, the namespace side .2); only traffic to
 * those addresses ever leaves loopback. Needs root on Linux.
 */
export interface EngineNamespaceOptions {
  /** Short name: [a-z0-9-]{1,10} (it becomes the veth name "vh-<name>"). */
  name: string;
  /** Third octet of the namespace's /30 (1–254); each engine on the machine needs its own. */
  block: number;
  /** dockerd --live-restore: containers keep running while the daemon is down or restarting. */
  liveRestore?: boolean;
  /** Registries (host:port) this engine pulls from over plain HTTP (dockerd --insecure-registry). */
  insecureRegistries?: string[];
}

export interface EngineNamespace {
  readonly name: string;
  /** unix:///run/dockhand/<name>.sock — the DOCKER_HOST of a host agent for this engine. */
  readonly dockerHost: string;
  /** The namespace's own address: ports the engine publishes on it are reachable from the host. */
  readonly address: string;
  /** Starts dockerd (again, after stopDaemon); resolves when it answers. */
  startDaemon(): Promise<void>;
  /** Stops dockerd (SIGTERM, or SIGKILL) and waits for the process to go. */
  stopDaemon(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Whether the engine answers `docker info` now. */
  answers(): Promise<boolean>;
  /** Copies images from the shared engine into this one (docker save | docker load). */
  loadImages(images: string[]): Promise<void>;
  /** Runs the docker CLI against this engine. */
  docker(args: string[]): Promise<string>;
  /** Removes every container, stops dockerd, deletes the namespace, the veth and the directories. */
  destroy(): Promise<void>;
}

const RUN_DIR = '/run/dockhand';
const DATA_PARENT = '/var/lib';

function paths(name: string) {
  if (!/^[a-z0-9-]{1,10}$/.test(name)) throw new Error(`engine namespace name "${name}" is not [a-z0-9-]{1,10}`);
  return {
    netns: `dh-${name}`,
    veth: `vh-${name}`,
    vethInner: `vi-${name}`,
    sock: path.join(RUN_DIR, `${name}.sock`),
    pidFile: path.join(RUN_DIR, `${name}.pid`),
    execRoot: path.join(RUN_DIR, `${name}-exec`),
    dataRoot: path.join(DATA_PARENT, `dockhand-${name}`),
    log: path.join(RUN_DIR, `${name}-dockerd.log`),
  };
}

async function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
const quiet = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );

function pidOf(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}
/** Whether a process with this pid exists (signal 0 only asks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to the process in `pidFile` (if it is alive and its command line contains `marker`:
 * a stale pid file whose pid now belongs to another process is ignored) and waits up to `ms` for it to
 * exit; then SIGKILL. Resolves once it is gone. */
export async function killByPidFile(
  pidFile: string,
  marker: string,
  signal: NodeJS.Signals = 'SIGTERM',
  ms = 30_000,
): Promise<void> {
  const pid = pidOf(pidFile);
  if (pid === undefined || !alive(pid) || !commandLine(pid).includes(marker)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The last lines of a daemon's log, for an error that outlives the log file (a torn-down world). */
function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitUntil(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${ms / 1000}s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What an engine namespace called `name` consists of, by name (for a check that nothing is left). */
export function engineNamespacePaths(name: string) {
  return paths(name);
}

/** Removes everything an engine namespace called `name` may have left (a crashed run included). */
export async function cleanEngineNamespace(name: string): Promise<void> {
  const p = paths(name);
  const env = { DOCKER_HOST: `unix://${p.sock}` };
  const pid = pidOf(p.pidFile);
  if (pid !== undefined && alive(pid) && commandLine(pid).includes(p.dataRoot)) {
    // Containers first: a dockerd that stops without live-restore stops them, but removing them
    // leaves no mounts or shims behind in the data root.
    const ids = (await sh('docker', ['ps', '-aq'], env).catch(() => '')).split('\n').filter(Boolean);
    if (ids.length) await quiet(sh('docker', ['rm', '-f', '-v', ...ids], env));
    await killByPidFile(p.pidFile, p.dataRoot, 'SIGTERM', 30_000);
  }
  // The engine's own containerd (and its shims) live under the exec root: anything still running
  // from there belongs to this engine only.
  for (const pid of processesUnder(p.execRoot)) killQuietly(pid);
  if (existsSync(`/var/run/netns/${p.netns}`)) await quiet(sh('ip', ['netns', 'del', p.netns]));
  await quiet(sh('ip', ['link', 'del', p.veth]));
  // Overlay mounts under the data root or exec root would make rm fail: unmount them first, deepest first.
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(p.dataRoot + '/') || m.startsWith(p.execRoot + '/') || m === p.dataRoot)
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await quiet(sh('umount', ['-l', m]));
  for (const d of [p.execRoot, p.dataRoot]) rmSync(d, { recursive: true, force: true });
  for (const f of [p.sock, p.pidFile, p.log]) rmSync(f, { force: true });
}

/** Creates (after cleaning leftovers of the same name) a namespace with its own dockerd and starts it. */
export async function startEngineNamespace(opts: EngineNamespaceOptions): Promise<EngineNamespace> {
  if (!Number.isInteger(opts.block) || opts.block < 1 || opts.block > 254)
    throw new Error(`engine namespace block ${opts.block} is not 1–254`);
  const p = paths(opts.name);
  const runtime = testHostRuntime();
  await cleanEngineNamespace(opts.name);
  const hostAddress = `10.213.${opts.block}.1`;
  const address = `10.213.${opts.block}.2`;
  await sh('ip', ['netns', 'add', p.netns]);
  await sh('ip', ['link', 'add', p.veth, 'type', 'veth', 'peer', 'name', p.vethInner]);
  await sh('ip', ['link', 'set', p.vethInner, 'netns', p.netns]);
  await sh('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', p.veth]);
  await sh('ip', ['link', 'set', p.veth, 'up']);
  const inNs = (args: string[]) => sh('nsenter', [`--net=/var/run/netns/${p.netns}`, ...args]);
  await inNs(['ip', 'addr', 'add', `${address}/30`, 'dev', p.vethInner]);
  await inNs(['ip', 'link', 'set', p.vethInner, 'up']);
  await inNs(['ip', 'link', 'set', 'lo', 'up']);
  await inNs(['ip', 'route', 'add', 'default', 'via', hostAddress]);
  mkdirSync(RUN_DIR, { recursive: true });
  mkdirSync(p.dataRoot, { recursive: true });
  const dockerHost = `unix://${p.sock}`;
  const env = { DOCKER_HOST: dockerHost };

  const answers = () => quiet(sh('docker', ['info', '--format', '{{.ID}}'], env));
  const startDaemon = async () => {
    if (await answers()) return;
    const out = openSync(p.log, 'a');
    // nsenter, not `ip netns exec`: the latter remounts /sys and dockerd loses the cgroup mounts.
    const child = spawn(
      'nsenter',
      [
        `--net=/var/run/netns/${p.netns}`,
        ...runtimeLauncher(runtime),
        'dockerd',
        '--host',
        dockerHost,
        '--data-root',
        p.dataRoot,
        '--exec-root',
        p.execRoot,
        '--pidfile',
        p.pidFile,
        ...(opts.liveRestore ? ['--live-restore'] : []),
        ...(opts.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
        ...runtimeFlags(runtime),
      ],
      { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...TEST_ENGINE_GO_ENV } },
    );
    child.unref();
    let exited: string | undefined;
    child.on('exit', (code, signal) => (exited = `exited (${signal ?? `code ${code}`})`));
    // 120 s: a dockerd restoring its containers on a loaded 2-core machine has been seen to need over 60 s.
    await waitUntil(`dockerd of ${opts.name}`, 120_000, async () => {
      if (exited) throw new Error(`dockerd of ${opts.name} ${exited}; its log ends:\n${logTail(p.log)}`);
      return answers();
    }).catch((err: Error) => {
      throw exited ? err : new Error(`${err.message}; its log (${p.log}) ends:\n${logTail(p.log)}`);
    });
  };
  const stopDaemon = (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') =>
    killByPidFile(p.pidFile, p.dataRoot, signal, 30_000);
  await startDaemon();
  return {
    name: opts.name,
    dockerHost,
    address,
    startDaemon,
    stopDaemon,
    answers,
    docker: (args) => sh('docker', args, env),
    async loadImages(images) {
      // One save of all of them: layers shared between the tags are copied once.
      const tar = path.join(p.dataRoot, 'images.tar');
      await sh('docker', ['save', '-o', tar, ...images]);
      await sh('docker', ['load', '-q', '-i', tar], env);
      rmSync(tar, { force: true });
    },
    destroy: () => cleanEngineNamespace(opts.name),
  };
}

/** Pids whose command line names `dir` (this engine's containerd and shims run from its exec root). */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.startsWith(dir + '/'))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}
function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Records a line in `file` (used by harnesses to mark what they started, for a later clean-up). */
export function notePid(file: string, pid: number): void {
  writeFileSync(file, `${pid}\n`);
}
