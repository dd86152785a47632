import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRedis } from '../../client/redis-connection';
import { tcpAnswers } from '../support/own-stack';
import { makeTestCa } from '../support/tls-certs';
import { runCli } from '../support/cli';
import { waitFor } from '../support/wait';

// A redis-server of this file's own (ports from the trust range) that demands a password, on a plain
// port and a TLS port whose certificate a CA made here signed.
const PORT = 23800 + Math.floor(Math.random() * 90) * 2;
const TLS_PORT = PORT + 1;
const PASSWORD = 'trust-redis-pw-7f3a';
const ca = makeTestCa('redis.dockhand.test');
let redis: ChildProcess;

beforeAll(async () => {
  redis = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(PORT),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      mkdtempSync(path.join(os.tmpdir(), 'trust-redis-')),
      '--requirepass',
      PASSWORD,
      '--tls-port',
      String(TLS_PORT),
      '--tls-cert-file',
      ca.server.cert,
      '--tls-key-file',
      ca.server.key,
      '--tls-ca-cert-file',
      ca.ca,
      '--tls-auth-clients',
      'no',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(async () => (await tcpAnswers(PORT)) && (await tcpAnswers(TLS_PORT)), 20_000, 'the test redis-server');
});
afterAll(async () => {
  const exited = new Promise((r) => redis.once('exit', r));
  redis.kill('SIGTERM');
  await exited;
});

describe('Redis with a password and TLS', () => {
  it('a client from REDIS_URL authenticates, over plain TCP and over TLS with REDIS_TLS_CA', async () => {
    for (const [url, env] of [
      [`redis://:${PASSWORD}@127.0.0.1:${PORT}/3`, {}],
      [`rediss://:${PASSWORD}@127.0.0.1:${TLS_PORT}`, { REDIS_TLS_CA: ca.ca }],
    ] as const) {
      const r = newRedis(url, { lazyConnect: true, maxRetriesPerRequest: 1 }, env);
      await r.connect();
      await r.set('trust:probe', url);
      expect(await r.get('trust:probe')).toBe(url);
      r.disconnect();
    }
  });

  it('the CLI connects with the password and over TLS; a wrong password is refused without echoing it', async () => {
    const plain = await runCli(['events', 'tail', '--failed', '--json'], {
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${PORT}`,
    });
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    const tls = await runCli(['events', 'tail', '--failed', '--json'], {
      REDIS_URL: `rediss://:${PASSWORD}@127.0.0.1:${TLS_PORT}`,
      REDIS_TLS_CA: ca.ca,
    });
    expect(tls.stderr).toBe('');
    expect(tls.code).toBe(0);

    const wrong = await runCli(['events', 'tail', '--failed', '--json'], {
      REDIS_URL: `redis://:not-the-pw-99@127.0.0.1:${PORT}`,
    });
    expect(wrong.code).not.toBe(0);
    const said = wrong.stdout + wrong.stderr;
    expect(said).toContain(`cannot reach Redis at redis://:<redacted>@127.0.0.1:${PORT}`);
    expect(said).toMatch(/WRONGPASS|invalid username-password/);
    expect(said).not.toContain('not-the-pw-99');
  });
});
