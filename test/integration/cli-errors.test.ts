import { spawn } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Envelope } from '../../cli/lib/envelope';
import { ROOT } from '../../cli/lib/processes';
import { runCli } from '../support/cli';
import { freePort } from '../support/events';

/**
 * The CLI before and without the stack: bad input is refused before anything is contacted, an
 * unreachable Temporal or Redis is one line and exit 1 (bounded, no hang, no stack trace), and the
 * CLI runs for a uid that has no passwd entry. Real processes, real sockets.
 */

/** A TCP server standing in for Temporal that only counts the connections it receives. */
let recorder: net.Server;
let connections = 0;
let recorderAddress: string;
beforeAll(async () => {
  recorder = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', r));
  recorderAddress = `127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => recorder.close(() => r())));

const stackTrace = /^\s+at .+\(.+:\d+:\d+\)$/m;

describe(
  'dockhand usage errors (exit 2): one line naming the flag, before any connection',
  { timeout: 120_000 },
  () => {
    it.each([
      [['deploy', 'web', '--image', 'app:v2', '--bake', '5x'], '--bake: "5x" is not a duration'],
      [['deploy', 'web', '--image', 'app:v2', '--app-port', 'abc'], '--app-port: "abc" is not a whole number'],
      [
        ['rolling-update', 'web', '--image', 'app:v2', '--order', 'sideways'],
        '--order: "sideways" is not one of stop-first, start-first',
      ],
      [['rollout', 'web', '--image', 'app:v2', '--parallelism', 'two'], '--parallelism: "two" is not a whole number'],
      [['ensure', 'web', '--image', 'app:v2', '--port', '127.0.0.1:x:80'], '--port "127.0.0.1:x:80": expected'],
      [['cleanup', '--min-age', 'banana'], '--min-age: "banana" is not a duration'],
      [['approve', 'web', '--by', ''], '--by: say who answers'],
      [['approve', 'web', '--key', '/nonexistent/id_ed25519'], '--key: cannot read /nonexistent/id_ed25519 (ENOENT)'],
      [
        ['approve', 'web', '--key', path.join(__dirname, '../fixtures/answer-keys/encrypted_ed25519')],
        'encrypted_ed25519: the key is encrypted (a passphrase); give an unencrypted copy',
      ],
      [['remediate', 'web-1', 'explode'], '<action>: "explode" is not one of restart, memory, harden, release'],
      [['sweep', '--every', 'banana'], '--every: "banana" is not an interval'],
      [
        ['scan', '--suppressions', '/nonexistent/suppressions.json'],
        '--suppressions: cannot read /nonexistent/suppressions.json (ENOENT)',
      ],
      [['list', '--service', 'web" OR WorkflowId != "x'], '--service: "web" OR WorkflowId != "x" is not a name'],
      [['logs', 'web', '--tail', '0'], '--tail: "0" is not a whole number from 1 to 10000'],
      [['deplyo', 'web'], "unknown command 'deplyo' (Did you mean deploy?)"],
    ])('dockhand %j', async (args, message) => {
      const before = connections;
      const out = await runCli([...args, '--json'], {
        TEMPORAL_ADDRESS: recorderAddress,
        REDIS_URL: `redis://${recorderAddress}`,
      });
      expect(out.code, out.stderr).toBe(2);
      const lines = out.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
      expect(lines[0]).toMatch(/\(see "dockhand( [\w-]+)? --help"\)$/);
      expect(out.stderr).not.toContain('Usage:'); // not the whole help
      expect(Envelope.parse(JSON.parse(out.stdout))).toMatchObject({
        ok: false,
        error: { kind: 'usage', exitCode: 2 },
      });
      expect(connections - before).toBe(0);
    });
  },
);

describe('dockhand without its stack (exit 1): one line saying which and where, bounded', { timeout: 120_000 }, () => {
  it('Temporal down: "cannot reach Temporal at <address>", no stack trace, within the connect bound', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const out = await runCli(['history', 'web', '--json'], { TEMPORAL_ADDRESS: address });
    const tookMs = Date.now() - started;
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^dockhand: cannot reach Temporal at ${address} \\(.*\\); start the stack`)),
    ]);
    expect(Envelope.parse(JSON.parse(out.stdout))).toMatchObject({ ok: false, error: { kind: 'error', exitCode: 1 } });
    // 5 s connect timeout plus the CLI's start-up (several seconds on this loaded 2-core machine).
    expect(tookMs).toBeLessThan(30_000);
  });

  it('Redis down: `hosts` and `events tail` say "cannot reach Redis at <url>" and exit 1 — no hang, no stack trace', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [['hosts'], ['events', 'tail']]) {
      const out = await Promise.race([
        runCli(args, { REDIS_URL: url }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`dockhand ${args.join(' ')} hangs`)), 45_000),
        ),
      ]);
      expect(out.code, out.stderr).toBe(1);
      expect(out.stderr).toBe(
        `dockhand: cannot reach Redis at ${url} (ECONNREFUSED); start the stack with "npm run stack -- up" or set REDIS_URL\n`,
      );
      expect(out.stderr).not.toMatch(stackTrace);
    }
  });
});

describe('dockhand for a uid without a passwd entry (CI containers run with --user)', { timeout: 120_000 }, () => {
  it('prints its version and help and reaches the point of connecting', async () => {
    const uid = '54321';
    expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(new RegExp(`^[^:]*:[^:]*:${uid}:`, 'm'));
    const asUid = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(
          'setpriv',
          [
            '--reuid',
            uid,
            '--regid',
            uid,
            '--clear-groups',
            process.execPath,
            path.join(ROOT, 'bin/dockhand.js'),
            ...args,
          ],
          {
            cwd: '/',
            env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: recorderAddress },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    const version = await asUid(['--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    );
    const help = await asUid(['approve', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Examples:');
    // The default --by (no login name for this uid) does not crash: the command gets as far as Temporal.
    const before = connections;
    const approve = await asUid(['approve', 'web']);
    expect(approve.stderr).not.toContain('uv_os_get_passwd');
    expect(approve.stderr).toMatch(/^dockhand: (cannot reach Temporal|Temporal at)/);
    expect(connections).toBeGreaterThan(before);
  });
});
