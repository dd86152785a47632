import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { readVariable } from '../../common/config';
import { killByPidFile, notePid } from './engine-namespace';

const run = promisify(execFile);

/**
 * The test hosts' image registry: the Distribution registry from Debian's `docker-registry` package,
 * serving plain HTTP on 10.213.<block>.1:<port>. That address sits on a veth pair of its own in the root
 * namespace, so every engine namespace reaches it through its default route (local delivery, no
 * forwarding) and nothing listens on the machine's outside interfaces. Engines pull from it as an
 * insecure registry; images get there with skopeo (from the shared engine, which needs no
 * --insecure-registry for that: skopeo talks to the registry itself).
 */
export interface ImageRegistryOptions {
  /** [a-z0-9-]{1,10}: names the veth, the pid file, the data dir. */
  name: string;
  /** Third octet of the registry's address (1–254), a block no engine namespace uses. */
  block: number;
  port: number;
  /** Require a login: the registry checks `htpasswd` (lines `user:<bcrypt hash>`), and pushes log in
   * as `username`/`password`. Without it the registry is open (the stack's own). */
  auth?: RegistryLogin;
}

export interface RegistryLogin {
  username: string;
  password: string;
  htpasswd: string;
}

export interface ImageRegistry {
  /** host:port, the name images carry (`<address>/dockhand-fixture-app:v1`). */
  readonly address: string;
  /** Copies images from the shared engine into the registry; returns each one's reference there and
   * manifest digest. */
  push(images: string[]): Promise<PushedImage[]>;
}

export interface PushedImage {
  /** The image in the shared engine. */
  source: string;
  /** `<registry>/<repository>:<tag>`. */
  ref: string;
  /** sha256:… of the manifest the registry stored (what `repo@digest` pulls). */
  digest: string;
}

const RUN_DIR = '/run/dockhand';

function paths(name: string) {
  if (!/^[a-z0-9-]{1,10}$/.test(name)) throw new Error(`registry name "${name}" is not [a-z0-9-]{1,10}`);
  return {
    veth: `vh-${name}`,
    vethPeer: `vi-${name}`,
    config: path.join(RUN_DIR, `${name}-registry.yml`),
    pidFile: path.join(RUN_DIR, `${name}-registry.pid`),
    log: path.join(RUN_DIR, `${name}-registry.log`),
    htpasswd: path.join(RUN_DIR, `${name}-registry.htpasswd`),
    dataRoot: `/var/lib/dockhand-${name}-registry`,
  };
}

/** What a registry called `name` consists of, by name (for a check that nothing is left). */
export function imageRegistryPaths(name: string) {
  return paths(name);
}

/** Stops the registry and removes its veth, config and data (idempotent; also a crashed run's leftovers). */
export async function cleanImageRegistry(name: string): Promise<void> {
  const p = paths(name);
  // The config file is on the registry's command line and names only this registry.
  await killByPidFile(p.pidFile, p.config, 'SIGTERM', 10_000);
  await run('ip', ['link', 'del', p.veth]).catch(() => undefined);
  for (const f of [p.config, p.pidFile, p.log, p.htpasswd]) rmSync(f, { force: true });
  rmSync(p.dataRoot, { recursive: true, force: true });
}

/** Starts a registry (after cleaning leftovers of the same name); resolves when it answers /v2/. */
export async function startImageRegistry(opts: ImageRegistryOptions): Promise<ImageRegistry> {
  if (!Number.isInteger(opts.block) || opts.block < 1 || opts.block > 254)
    throw new Error(`registry block ${opts.block} is not 1–254`);
  if (!Number.isInteger(opts.port) || opts.port < 1024 || opts.port > 65535)
    throw new Error(`registry port ${opts.port} is not 1024–65535`);
  if (!existsSync('/usr/bin/docker-registry'))
    throw new Error('no /usr/bin/docker-registry: run `scripts/stack.sh up --hosts N` (it installs the package)');
  const p = paths(opts.name);
  await cleanImageRegistry(opts.name);
  const ip = `10.213.${opts.block}.1`;
  const address = `${ip}:${opts.port}`;
  await run('ip', ['link', 'add', p.veth, 'type', 'veth', 'peer', 'name', p.vethPeer]);
  await run('ip', ['addr', 'add', `${ip}/32`, 'dev', p.veth]);
  await run('ip', ['link', 'set', p.veth, 'up']);
  await run('ip', ['link', 'set', p.vethPeer, 'up']);
  mkdirSync(RUN_DIR, { recursive: true });
  mkdirSync(p.dataRoot, { recursive: true });
  writeFileSync(
    p.config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${p.dataRoot}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${address}`,
      ...(opts.auth ? ['auth:', '  htpasswd:', '    realm: dockhand-test-hosts', `    path: ${p.htpasswd}`] : []),
      '',
    ].join('\n'),
  );
  if (opts.auth) writeFileSync(p.htpasswd, opts.auth.htpasswd.trim() + '\n', { mode: 0o600 });
  const out = openSync(p.log, 'a');
  const child = spawn('/usr/bin/docker-registry', ['serve', p.config], { detached: true, stdio: ['ignore', out, out] });
  notePid(p.pidFile, child.pid!);
  child.unref();
  const deadline = Date.now() + 20_000;
  while (!(await answers(address))) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the registry on ${address} did not answer: ${tail(p.log)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { address, push: (images) => pushImages(address, images, opts.auth) };
}

async function answers(address: string): Promise<boolean> {
  try {
    // 401 is an answer too: a registry that requires a login is up.
    const { status } = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(1000) });
    return status === 200 || status === 401;
  } catch {
    return false;
  }
}

/** One skopeo copy per image, from the shared engine (DOCKER_HOST, else the local socket). */
async function pushImages(address: string, images: string[], login?: RegistryLogin): Promise<PushedImage[]> {
  const daemon = readVariable('DOCKER_HOST') ?? 'unix:///var/run/docker.sock';
  const pushed: PushedImage[] = [];
  for (const source of images) {
    const ref = `${address}/${source}`;
    const digestFile = path.join(RUN_DIR, `push-${process.pid}.digest`);
    await run('skopeo', [
      'copy',
      '--quiet',
      '--src-daemon-host',
      daemon,
      '--dest-tls-verify=false',
      ...(login ? ['--dest-creds', `${login.username}:${login.password}`] : []),
      '--digestfile',
      digestFile,
      `docker-daemon:${source}`,
      `docker://${ref}`,
    ]).catch((e: Error & { stderr?: string }) => {
      throw new Error(`pushing ${source} to ${address} failed: ${(e.stderr ?? e.message).trim()}`);
    });
    pushed.push({ source, ref, digest: readFileSync(digestFile, 'utf8').trim() });
    rmSync(digestFile, { force: true });
  }
  return pushed;
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-1500);
  } catch {
    return '(no log)';
  }
}
