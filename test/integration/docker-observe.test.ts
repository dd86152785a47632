import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledFailure } from '@temporalio/common';
import tar from 'tar-stream';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { ErrorType } from '../../common/errors';
import { removeService } from '../support/docker';
import { activityRunner, failureOf, waitFor } from '../support/activities';
import { testIds } from '../support/workers';

const ids = testIds('dko');
const service = `dko-${ids.suffix}`;
const { run, cancellable, container } = activityRunner(ids.hostId, service);
const APP = 'dockhand-fixture-app:v1';
const sh = (script: string) => ({ entrypoint: [] as string[], command: ['/bin/busybox', 'sh', '-c', script] });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dockhand-observe-'));
});
afterAll(async () => {
  await removeService(service);
  await rm(dir, { recursive: true, force: true });
});

describe('logs', () => {
  it('separates stdout from stderr, honours tail, timestamps and since/until, and bounds the size', async () => {
    const name = await container({
      image: APP,
      ...sh('for i in 1 2 3 4 5; do echo err-$i >&2; done; sleep 0.3; for i in 1 2 3 4 5; do echo out-$i; done'),
    });
    await run('waitContainer', { name, timeoutMs: 20_000 });
    const all = await run('containerLogs', { name });
    expect(all).toEqual({
      stdout: 'out-1\nout-2\nout-3\nout-4\nout-5\n',
      stderr: 'err-1\nerr-2\nerr-3\nerr-4\nerr-5\n',
      truncated: false,
    });
    expect((await run('containerLogs', { name, tail: 2 })).stdout).toBe('out-4\nout-5\n');
    expect((await run('containerLogs', { name, timestamps: true, tail: 1 })).stdout).toMatch(
      /^\d{4}-\d{2}-\d{2}T[\d:.]+Z out-5\n$/,
    );
    expect(await run('containerLogs', { name, maxBytes: 12 })).toMatchObject({
      stdout: 'out-4\nout-5\n',
      truncated: true,
    });
    expect((await run('containerLogs', { name, since: '1h' })).stdout).toContain('out-1');
    expect((await run('containerLogs', { name, until: 1 })).stdout).toBe('');
    expect((await run('containerLogs', { name, since: new Date(Date.now() + 3_600_000).toISOString() })).stdout).toBe(
      '',
    );
  });

  it('follows until a line appears; heartbeats; stops at once when cancelled', async () => {
    const name = await container({
      image: APP,
      ...sh('i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done'),
    });
    const found = await run('followLogs', { name, untilText: 'tick-3', timeoutMs: 20_000 });
    expect(found).toMatchObject({ matched: true, ended: false });
    expect(found.stdout).toContain('tick-3\n');

    expect(await run('followLogs', { name, untilText: 'never', timeoutMs: 600 })).toMatchObject({
      matched: false,
      ended: false,
    });

    const ctx = cancellable();
    const following = ctx.run('followLogs', { name, untilText: 'never', timeoutMs: 60_000 });
    await waitFor(async () => ctx.heartbeats.length > 0, 5_000, 'a heartbeat');
    const at = Date.now();
    ctx.env.cancel();
    expect(await following.catch((e) => e)).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - at).toBeLessThan(2_000);
  });

  it('reports a container whose log driver keeps nothing as Unsupported', async () => {
    const name = await container({ image: APP, ...sh('echo hi'), logging: { driver: 'none' } });
    expect((await run('inspectContainer', { name })).hostConfig.logConfig).toEqual({ type: 'none', config: {} });
    const f = await failureOf(run('containerLogs', { name }));
    expect(f.type).toBe(ErrorType.Unsupported);
    expect(f.nonRetryable).toBe(true);
  });
});

describe('stats, top, diff', () => {
  it('computes a docker stats sample within sane bounds', async () => {
    const name = await container({
      image: APP,
      ...sh('while true; do :; done'),
      resources: { memory: '32m', cpus: '0.5' },
    });
    const s = await run('containerStats', { name });
    // A busy loop capped at half a CPU: above zero and never much above the cap (how far above zero
    // depends on how busy the shared machine is).
    expect(s.cpuPercent).toBeGreaterThan(0);
    expect(s.cpuPercent).toBeLessThanOrEqual(75);
    expect(s.memoryLimitBytes).toBe(32 * 1024 ** 2);
    expect(s.memoryUsageBytes).toBeGreaterThan(0);
    expect(s.memoryUsageBytes).toBeLessThan(32 * 1024 ** 2);
    expect(s.memoryPercent).toBeCloseTo((s.memoryUsageBytes / s.memoryLimitBytes) * 100, 1);
    expect(s.networkRxBytes).toBeGreaterThanOrEqual(0);
    expect(s.pids).toBeGreaterThanOrEqual(1);
    await run('killContainer', { name });
    await run('waitContainer', { name, timeoutMs: 10_000 });
    expect((await failureOf(run('containerStats', { name }))).type).toBe(ErrorType.NotRunning);
  });

  it('lists processes and filesystem changes', async () => {
    const name = await container({
      image: APP,
      ...sh('echo x > /tmp/added; rm /bin/echo; exec sleep 60'),
      stopTimeout: 0,
    });
    await waitFor(
      async () => (await run('containerDiff', { name })).some((d) => d.path === '/tmp/added'),
      10_000,
      '/tmp/added in the diff',
    );
    const top = await run('containerTop', { name });
    expect(top.titles).toContain('CMD');
    expect(top.processes.some((p) => p.join(' ').includes('sleep 60'))).toBe(true);
    const diff = await run('containerDiff', { name });
    expect(diff).toEqual(
      expect.arrayContaining([
        { path: '/tmp', kind: 'modified' },
        { path: '/tmp/added', kind: 'added' },
        { path: '/bin/echo', kind: 'deleted' },
      ]),
    );
  });
});

describe('export, copy, exec', () => {
  it('exports the filesystem as a readable tar with its size and sha256; twice gives the same file', async () => {
    const name = await container({ image: APP, ...sh('echo exported > /tmp/marker') });
    await run('waitContainer', { name, timeoutMs: 20_000 });
    const target = path.join(dir, 'export.tar');
    const ctx = cancellable();
    const first = await ctx.run('exportContainer', { name, path: target });
    expect(ctx.heartbeats.length).toBeGreaterThan(0);
    const bytes = await readFile(target);
    expect(first).toEqual({
      path: target,
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    const entries = new Map<string, string>();
    const extract = tar.extract();
    extract.on('entry', (h, s, next) => {
      const chunks: Buffer[] = [];
      s.on('data', (c: unknown) => chunks.push(c as Buffer));
      s.on('end', () => (entries.set(h.name, Buffer.concat(chunks).toString()), next()));
    });
    await pipeline(createReadStream(target), extract);
    expect(entries.get('tmp/marker')).toBe('exported\n');
    expect(entries.has('bin/busybox')).toBe(true);
    expect((await run('exportContainer', { name, path: target })).sizeBytes).toBeGreaterThan(1_000_000);
    expect((await failureOf(run('exportContainer', { name, path: 'relative.tar' }))).type).toBe(ErrorType.BadSpec);

    // Cancelled as it starts: a CancelledFailure, and no file (whole or partial) left behind.
    const ctx2 = cancellable();
    ctx2.env.once('heartbeat', () => ctx2.env.cancel());
    const cancelledTarget = path.join(dir, 'cancelled.tar');
    expect(await ctx2.run('exportContainer', { name, path: cancelledTarget }).catch((e) => e)).toBeInstanceOf(
      CancelledFailure,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect((await readdir(dir)).filter((f) => f.startsWith('cancelled.tar'))).toEqual([]);
  });

  it('two overlapping attempts on one agent each write a whole file of their own, never one shared partial (L14)', async () => {
    const name = await container({ image: APP, ...sh('echo overlapping > /tmp/marker') });
    await run('waitContainer', { name, timeoutMs: 20_000 });
    const target = path.join(dir, 'overlap.tar');
    // A timed-out attempt still streaming while its retry starts: same agent process, same target.
    const [a, b] = await Promise.all([
      run('exportContainer', { name, path: target }),
      run('exportContainer', { name, path: target }),
    ]);
    expect(a).toEqual(b);
    const bytes = await readFile(target);
    expect({ sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({
      sizeBytes: a.sizeBytes,
      sha256: a.sha256,
    });
    expect((await readdir(dir)).filter((f) => f.startsWith('overlap.tar.'))).toEqual([]);
  });

  it('copies a file in and reads it out, twice alike; a missing path is NotFound', async () => {
    const name = await container({ image: APP, init: true, stopTimeout: 0 });
    const input = { name, path: '/tmp/conf/app.conf', content: 'x' };
    expect((await failureOf(run('copyFileIn', input))).type).toBe(ErrorType.NotFound); // /tmp/conf does not exist
    for (let i = 0; i < 2; i++) {
      expect(await run('copyFileIn', { name, path: '/tmp/app.conf', content: 'listen 80;\n', mode: 0o600 })).toEqual({
        sizeBytes: 11,
      });
      expect(await run('readFileFrom', { name, path: '/tmp/app.conf' })).toEqual({
        content: 'listen 80;\n',
        encoding: 'utf8',
        sizeBytes: 11,
        truncated: false,
        mode: 0o600,
      });
    }
    expect(await run('readFileFrom', { name, path: '/tmp/app.conf', maxBytes: 6 })).toMatchObject({
      content: 'listen',
      truncated: true,
    });
    expect(await run('readFileFrom', { name, path: '/tmp/app.conf', encoding: 'base64' })).toMatchObject({
      content: Buffer.from('listen 80;\n').toString('base64'),
    });
    expect((await failureOf(run('readFileFrom', { name, path: '/nope' }))).type).toBe(ErrorType.NotFound);
    expect((await failureOf(run('readFileFrom', { name, path: '/tmp' }))).type).toBe(ErrorType.BadSpec);
  });

  it('execs with user, working dir and env; returns exit code and bounded output', async () => {
    const name = await container({ image: APP, init: true, stopTimeout: 0 });
    const r = await run('execInContainer', {
      name,
      command: ['/bin/busybox', 'sh', '-c', 'echo "$(id -u) $(pwd) $GREETING"; echo oops >&2; exit 3'],
      user: 'nobody',
      workingDir: '/www',
      env: { GREETING: 'hello' },
    });
    expect(r).toEqual({ exitCode: 3, stdout: '65534 /www hello\n', stderr: 'oops\n', truncated: false });
    const big = await run('execInContainer', {
      name,
      command: ['/bin/busybox', 'sh', '-c', 'i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done'],
      maxOutputBytes: 100,
    });
    expect(big.truncated).toBe(true);
    expect(big.stdout.length).toBe(100);
    expect(big.stdout.endsWith('line-1999\n')).toBe(true);
    // A missing binary in an exec is the runtime failing to invoke it: the Engine reports 126.
    expect((await run('execInContainer', { name, command: ['no-such-binary'] })).exitCode).toBe(126);
    expect(
      (await failureOf(run('execInContainer', { name, command: ['/bin/busybox', 'sleep', '30'], timeoutMs: 300 })))
        .type,
    ).toBe(ErrorType.WaitTimeout);
    await run('stopContainer', { name });
    expect((await failureOf(run('execInContainer', { name, command: ['true'] }))).type).toBe(ErrorType.NotRunning);
  });
});

describe('spec: security, logging, env files, secrets', () => {
  it('runs read-only with tmpfs, dropped capabilities and no-new-privileges', async () => {
    const name = await container({
      image: APP,
      init: true,
      stopTimeout: 0,
      security: {
        readOnlyRootfs: true,
        tmpfs: { '/tmp': 'size=1m' },
        capDrop: ['ALL'],
        capAdd: ['NET_BIND_SERVICE'],
        noNewPrivileges: true,
        devices: [{ hostPath: '/dev/null', containerPath: '/dev/extra-null' }],
      },
      logging: { driver: 'json-file', maxSize: '1m', maxFile: 2 },
    });
    const view = await run('inspectContainer', { name });
    expect(view.hostConfig).toMatchObject({
      readonlyRootfs: true,
      tmpfs: { '/tmp': 'size=1m' },
      capDrop: ['ALL'],
      capAdd: ['NET_BIND_SERVICE'],
      securityOpt: ['no-new-privileges'],
      privileged: false,
      devices: [{ hostPath: '/dev/null', containerPath: '/dev/extra-null', permissions: 'rwm' }],
      logConfig: { type: 'json-file', config: { 'max-size': '1048576', 'max-file': '2' } },
    });
    const write = (p: string) =>
      run('execInContainer', { name, command: ['/bin/busybox', 'sh', '-c', `echo x > ${p}`] });
    expect((await write('/www/x')).exitCode).not.toBe(0);
    expect((await write('/tmp/x')).exitCode).toBe(0);
    expect(
      (
        await run('execInContainer', {
          name,
          command: ['/bin/busybox', 'sh', '-c', 'grep NoNewPrivs /proc/self/status'],
        })
      ).stdout,
    ).toMatch(/NoNewPrivs:\s+1/);
    expect((await run('execInContainer', { name, command: ['/bin/busybox', 'ls', '/dev/extra-null'] })).exitCode).toBe(
      0,
    );
    // A read-only root refuses a copy too: typed, not retried.
    expect((await failureOf(run('copyFileIn', { name, path: '/www/x', content: 'x' }))).type).toBe(ErrorType.Conflict);
  });

  it('reads env files and secrets on the agent; inspect shows names, logs and exec output never values', async () => {
    const envFile = path.join(dir, 'app.env');
    await writeFile(envFile, '# app\nFROM_FILE=file-value\nOVERRIDDEN=file\nAPI_KEY=from-env-file\n');
    process.env.DOCKHAND_TEST_SECRET = 's3cret';
    const name = await container({
      image: APP,
      ...sh('echo "$FROM_FILE $OVERRIDDEN $TOKEN $API_KEY"; echo "$TOKEN" >&2; exec sleep 60'),
      envFiles: [envFile],
      env: { OVERRIDDEN: 'env' },
      secretEnv: { TOKEN: { fromEnv: 'DOCKHAND_TEST_SECRET' } },
    });
    // The container prints its secrets: what `dockhand logs`, a follow and an exec return (all of which go
    // into history) has the values of its secret variables (secretEnv, env files) replaced.
    const followed = await run('followLogs', { name, untilText: 'env', timeoutMs: 20_000 });
    expect(followed).toMatchObject({ matched: true, stdout: '<redacted> env <redacted> <redacted>\n' });
    expect(await run('containerLogs', { name })).toMatchObject({
      stdout: '<redacted> env <redacted> <redacted>\n',
      stderr: '<redacted>\n',
    });
    const exec = await run('execInContainer', {
      name,
      command: ['/bin/busybox', 'sh', '-c', 'echo $TOKEN; echo $API_KEY >&2'],
    });
    expect(exec).toMatchObject({ exitCode: 0, stdout: '<redacted>\n', stderr: '<redacted>\n' });
    expect(JSON.stringify([followed, exec])).not.toMatch(/s3cret|from-env-file|file-value/);
    const view = await run('inspectContainer', { name });
    expect(view.config.envNames).toEqual(expect.arrayContaining(['FROM_FILE', 'OVERRIDDEN', 'TOKEN']));
    expect(JSON.stringify(view)).not.toContain('s3cret');
    const missing = await failureOf(
      run('createContainer', {
        name: `${service}-nofile`,
        service,
        spec: { image: APP, envFiles: ['/nonexistent.env'] } as unknown as ContainerSpec,
      }),
    );
    expect(missing).toMatchObject({
      type: ErrorType.BadSpec,
      message: expect.stringContaining('spec.envFiles.0 (/nonexistent.env): cannot read it'),
    });
  });
});
