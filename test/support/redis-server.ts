import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './events';
import type { makeTestCa } from './tls-certs';

/** A test's OWN redis-server (append-only, fsync on every write) on a free port with its own data dir,
 * so a test can kill and restart it without touching the shared Redis. */
export async function ownRedis() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
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
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (Date.now() > deadline) throw new Error(`own redis-server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = async () => {
    const c = child!;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  /** SIGSTOP: the server keeps every connection open and answers nothing (a hung Redis); `resume` undoes it. */
  const pause = () => void child!.kill('SIGSTOP');
  const resume = () => void child!.kill('SIGCONT');
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, dir, start, kill, pause, resume };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.write('PING\r\n');
    });
    s.once('data', (d) => (s.destroy(), resolve(d.toString().startsWith('+PONG'))));
    s.once('error', () => resolve(false));
  });
}

/** A redis-server (or, with `--sentinel` in `args`, a Sentinel) of a test's own, up before this returns
 * (it answers PING on `port`; a TLS port only accepts connections); `kill` ends it with SIGKILL (a
 * crash, as a failover test needs). One that does not come up is killed and the error says so. */
async function spawnRedis(args: string[], port: number, o: { tls?: boolean } = {}) {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 15_000;
  while (!(await (o.tls ? accepts(port) : answers(port)))) {
    if (child.exitCode !== null) throw new Error(`redis-server ${args.join(' ')} exited (${child.exitCode})`);
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`redis-server on ${port} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, kill };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** The name under which a test's own Sentinel watches its master. */
export const SENTINEL_MASTER = 'dockhand';

/**
 * A redis-server of a test's own on a free port (a replica of `replicaOf`'s port when given) or, with
 * `sentinelFor`, a Sentinel watching that master (quorum 1; a master silent for 1 s is down). With
 * `tls`, it speaks TLS only, requires a client certificate and replicates (or, a Sentinel, talks to
 * the servers) over TLS with the CA's client certificate. Its settings are a config file of its own
 * (a Sentinel rewrites it). `url` reaches it: redis:// or rediss://.
 */
export async function startOwnRedis(o: {
  tls?: ReturnType<typeof makeTestCa>;
  replicaOf?: number;
  sentinelFor?: number;
}) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-redis-'));
  const { tls } = o;
  const lines = [
    'bind 127.0.0.1',
    `dir ${dir}`,
    ...(tls
      ? [
          ...['port 0', `tls-port ${port}`, `tls-ca-cert-file ${tls.ca}`, 'tls-auth-clients yes'],
          ...[`tls-cert-file ${tls.server.cert}`, `tls-key-file ${tls.server.key}`],
          ...[
            `tls-client-cert-file ${tls.client.cert}`,
            `tls-client-key-file ${tls.client.key}`,
            'tls-replication yes',
          ],
        ]
      : [`port ${port}`]),
    ...(o.sentinelFor !== undefined
      ? [
          `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${o.sentinelFor} 1`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
        ]
      : ['save ""']),
    ...(o.replicaOf !== undefined ? [`replicaof 127.0.0.1 ${o.replicaOf}`] : []),
  ];
  const conf = path.join(dir, 'redis.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const server = await spawnRedis(o.sentinelFor !== undefined ? [conf, '--sentinel'] : [conf], port, { tls: !!tls });
  return { ...server, url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}` };
}
