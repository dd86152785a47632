import { afterAll, describe, expect, it } from 'vitest';
import { CancelledFailure } from '@temporalio/common';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { ErrorType } from '../../common/errors';
import Docker from 'dockerode';
import { createHostActivities } from '../../activities';
import { EngineErrorType } from '../../activities/docker/engine-errors';
import { docker, removeService } from '../support/docker';
import { activityRunner, failureOf, waitFor } from '../support/activities';
import { testIds } from '../support/workers';

const ids = testIds('dkc');
const service = `dkc-${ids.suffix}`;
const { run, cancellable, container } = activityRunner(ids.hostId, service);
const APP = 'dockhand-fixture-app:v1';
/** A shell as PID 1 that loops until killed (a sleep per turn lets traps run). */
const LOOP = ['/bin/busybox', 'sh', '-c', 'while true; do sleep 0.1; done'];

afterAll(() => removeService(service));

describe('container lifecycle: each operation twice', () => {
  it('create → start → stop → restart → pause → unpause → remove, each idempotent', async () => {
    const name = `${service}-life`;
    const spec = { image: APP, init: true, stopTimeout: 1 } as ContainerSpec;
    const first = await run('createContainer', { name, service, spec });
    expect(first.created).toBe(true);
    expect(await run('createContainer', { name, service, spec })).toEqual({ ...first, created: false });
    const conflict = await failureOf(run('createContainer', { name, service, spec: { ...spec, env: { OTHER: '1' } } }));
    expect(conflict.type).toBe(ErrorType.Conflict);
    expect(conflict.details?.[0]).toMatchObject({
      name,
      existingId: first.id,
      managedService: service,
      existingSpecHash: first.specHash,
    });

    await run('startContainer', { name });
    await run('startContainer', { name });
    expect((await run('inspectContainer', { name })).state.running).toBe(true);

    expect(await run('pauseContainer', { name })).toEqual({ changed: true });
    expect(await run('pauseContainer', { name })).toEqual({ changed: false });
    expect((await run('inspectContainer', { name })).state.paused).toBe(true);
    expect(await run('unpauseContainer', { name })).toEqual({ changed: true });
    expect(await run('unpauseContainer', { name })).toEqual({ changed: false });

    const startedAt = (await run('inspectContainer', { name })).state.startedAt;
    await run('restartContainer', { name, timeoutS: 1 });
    const restarted = await run('inspectContainer', { name });
    expect(restarted.state.running).toBe(true);
    expect(restarted.state.startedAt).not.toBe(startedAt);

    expect(await run('stopContainer', { name, timeoutS: 1 })).toEqual({ changed: true });
    expect(await run('stopContainer', { name, timeoutS: 1 })).toEqual({ changed: false });
    expect((await run('inspectContainer', { name })).state.running).toBe(false);
    expect((await failureOf(run('pauseContainer', { name }))).type).toBe(ErrorType.NotRunning);

    expect(await run('removeContainer', { name })).toEqual({ removed: true });
    expect(await run('removeContainer', { name })).toEqual({ removed: false });
  });

  it('reports a missing container as NotFound and a bad spec as BadSpec, both non-retryable', async () => {
    const missing = `${service}-missing`;
    // failureOf attaches its handler at once, so no rejection goes unhandled while another is awaited.
    for (const p of [
      failureOf(run('inspectContainer', { name: missing })),
      failureOf(run('stopContainer', { name: missing })),
      failureOf(run('killContainer', { name: missing })),
    ]) {
      const f = await p;
      expect(f.type).toBe(ErrorType.NotFound);
      expect(f.nonRetryable).toBe(true);
    }
    const bad = await failureOf(
      run('createContainer', {
        name: missing,
        service,
        spec: { image: APP, resources: { memory: 'lots' } } as unknown as ContainerSpec,
      }),
    );
    expect(bad.type).toBe(ErrorType.BadSpec);
    expect(bad.message).toContain('spec.resources.memory');
    const noImage = await failureOf(
      run('createContainer', { name: missing, service, spec: { image: 'dockhand-fixture-app:nope' } as ContainerSpec }),
    );
    expect(noImage.type).toBe(ErrorType.ImageMissing);
  });

  it('reports an unreachable engine as a retryable failure', async () => {
    const offline = createHostActivities(new Docker({ socketPath: '/nonexistent/docker.sock' }), ids.hostId);
    const f = await failureOf(offline.inspectContainer({ name: 'anything' }));
    expect(f.type).toBe(EngineErrorType.Unreachable);
    expect(f.nonRetryable).toBe(false);
  });

  it('removes a container with its anonymous volumes only when asked', async () => {
    const volumesOf = async (name: string) => (await docker.getContainer(name).inspect()).Mounts.map((m) => m.Name!);
    const keep = await container({ image: APP, mounts: [{ type: 'volume', target: '/data' }] }, false);
    const drop = await container({ image: APP, mounts: [{ type: 'volume', target: '/data' }] }, false);
    const [kept] = await volumesOf(keep);
    const [dropped] = await volumesOf(drop);
    try {
      expect(await run('removeContainer', { name: keep })).toEqual({ removed: true });
      expect(await run('removeContainer', { name: drop, volumes: true })).toEqual({ removed: true });
      expect((await docker.getVolume(kept!).inspect()).Name).toBe(kept);
      expect(
        await docker
          .getVolume(dropped!)
          .inspect()
          .catch((e) => e.statusCode),
      ).toBe(404);
    } finally {
      await docker
        .getVolume(kept!)
        .remove()
        .catch(() => undefined);
    }
  });

  it('renames once; a second run sees it done; a taken name is a Conflict', async () => {
    const a = await container({ image: APP }, false);
    const b = await container({ image: APP }, false);
    const renamed = `${service}-renamed`;
    expect(await run('renameContainer', { name: a, newName: renamed })).toEqual({ changed: true });
    expect(await run('renameContainer', { name: a, newName: renamed })).toEqual({ changed: false });
    expect((await failureOf(run('renameContainer', { name: b, newName: renamed }))).type).toBe(ErrorType.Conflict);
  });
});

describe('signals and exit codes', () => {
  it('delivers SIGUSR1 to the process; a stopped container is left alone', async () => {
    const name = await container({
      image: APP,
      entrypoint: [],
      command: ['/bin/busybox', 'sh', '-c', 'trap "echo got-usr1 > /tmp/usr1" USR1; while true; do sleep 0.1; done'],
    });
    expect(await run('killContainer', { name, signal: 'SIGUSR1' })).toEqual({ signalled: true });
    await waitFor(
      async () =>
        (await run('readFileFrom', { name, path: '/tmp/usr1' }).catch(() => undefined))?.content === 'got-usr1\n',
      10_000,
      'the trap to write /tmp/usr1',
    );
    expect((await run('inspectContainer', { name })).state.running).toBe(true);

    expect(await run('killContainer', { name })).toEqual({ signalled: true }); // SIGKILL
    expect(await run('waitContainer', { name, timeoutMs: 10_000 })).toMatchObject({
      exitCode: 137,
      meaning: expect.stringContaining('SIGKILL'),
      oomKilled: false,
    });
    expect(await run('killContainer', { name, signal: 'SIGUSR1' })).toEqual({ signalled: false });
    expect((await failureOf(run('killContainer', { name, signal: 'USR1; rm -rf' }))).type).toBe(ErrorType.BadSpec);
  });

  it('reports exit codes 0, 1 and 127 with their meaning; waiting twice gives the same answer', async () => {
    const cases = [
      { script: 'exit 0', code: 0, meaning: 'exited normally' },
      { script: 'exit 1', code: 1, meaning: undefined },
      { script: 'no-such-command', code: 127, meaning: 'the command was not found' },
    ];
    for (const c of cases) {
      const name = await container({ image: APP, entrypoint: [], command: ['/bin/busybox', 'sh', '-c', c.script] });
      const first = await run('waitContainer', { name, timeoutMs: 20_000 });
      expect(first).toEqual({ exitCode: c.code, meaning: c.meaning, oomKilled: false, error: '' });
      expect(await run('waitContainer', { name, timeoutMs: 20_000 })).toEqual(first);
    }
  });

  it('wait heartbeats, times out with WaitTimeout, and ends at once when cancelled', async () => {
    const name = await container({ image: APP, entrypoint: [], command: LOOP });
    expect((await failureOf(run('waitContainer', { name, timeoutMs: 500 }))).type).toBe(ErrorType.WaitTimeout);

    const ctx = cancellable();
    const waiting = ctx.run('waitContainer', { name, timeoutMs: 60_000 });
    await waitFor(async () => ctx.heartbeats.length > 0, 5_000, 'a heartbeat');
    const cancelledAt = Date.now();
    ctx.env.cancel();
    const err = await waiting.catch((e) => e);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
  });
});

describe('resources: visible in inspect and enforced', () => {
  it('OOM-kills a container over its memory limit and says so', async () => {
    const name = await container({
      image: APP,
      entrypoint: [],
      command: ['/bin/busybox', 'sh', '-c', 'x=a; while true; do x=$x$x; done'],
      resources: { memory: '16m', memorySwap: '16m' },
    });
    const exit = await run('waitContainer', { name, timeoutMs: 60_000 });
    expect(exit).toMatchObject({ exitCode: 137, oomKilled: true });
    const view = await run('inspectContainer', { name });
    expect(view.state.oomKilled).toBe(true);
    expect(view.hostConfig).toMatchObject({ memory: 16 * 1024 ** 2, memorySwap: 16 * 1024 ** 2 });
  });

  it('creates with every limit this kernel supports and shows them in inspect', async () => {
    const name = await container({
      image: APP,
      init: true,
      stopTimeout: 1,
      resources: {
        memory: '64m',
        memoryReservation: '32m',
        memorySwap: '128m',
        memorySwappiness: 10,
        oomKillDisable: false,
        cpus: '0.5',
        cpuShares: 512,
        cpusetCpus: '0',
        cpusetMems: '0',
        pidsLimit: 32,
        deviceReadBps: [{ path: '/dev/vda', rate: '1mb' }],
        deviceWriteIops: [{ path: '/dev/vda', iops: 100 }],
      },
      restart: { policy: 'on-failure', maxRetries: 2 },
    });
    const info = await docker.getContainer(name).inspect();
    expect(info.HostConfig).toMatchObject({
      Memory: 67108864,
      MemoryReservation: 33554432,
      MemorySwap: 134217728,
      MemorySwappiness: 10,
      NanoCpus: 500_000_000,
      CpuShares: 512,
      CpusetCpus: '0',
      CpusetMems: '0',
      PidsLimit: 32,
      BlkioDeviceReadBps: [{ Path: '/dev/vda', Rate: 1048576 }],
      BlkioDeviceWriteIOps: [{ Path: '/dev/vda', Rate: 100 }],
    });
    const view = await run('inspectContainer', { name });
    expect(view.hostConfig).toMatchObject({
      memory: 67108864,
      nanoCpus: 500_000_000,
      pidsLimit: 32,
      restartPolicy: { name: 'on-failure', maxRetries: 2 },
      init: true,
    });

    // The pids limit is enforced: a fork bomb of 40 sleeps cannot all start.
    const forks = await run('execInContainer', {
      name,
      command: [
        '/bin/busybox',
        'sh',
        '-c',
        'for i in $(/bin/busybox seq 1 40); do /bin/busybox sleep 5 & done 2>/dev/null; /bin/busybox ps | /bin/busybox wc -l',
      ],
    });
    expect(Number(forks.stdout.trim())).toBeLessThanOrEqual(33);
  });

  it('updates limits live; the same update twice changes nothing more', async () => {
    const name = await container({
      image: APP,
      init: true,
      stopTimeout: 1,
      resources: { memory: '64m', memorySwap: '128m', cpus: 1 },
    });
    const update = {
      name,
      resources: {
        memory: '96m',
        memorySwap: '192m',
        cpus: '0.25',
        cpuShares: 256,
        pidsLimit: 50,
        restart: { policy: 'unless-stopped' as const },
      },
    };
    expect(await run('updateContainer', update)).toEqual({ warnings: [] });
    expect(await run('updateContainer', update)).toEqual({ warnings: [] });
    const view = await run('inspectContainer', { name });
    expect(view.hostConfig).toMatchObject({
      memory: 96 * 1024 ** 2,
      memorySwap: 192 * 1024 ** 2,
      nanoCpus: 250_000_000,
      cpuShares: 256,
      pidsLimit: 50,
      restartPolicy: { name: 'unless-stopped' },
    });
    expect(view.state.running).toBe(true);
    expect((await failureOf(run('updateContainer', { name, resources: { memory: 'huge' } }))).message).toContain(
      'resources.memory',
    );
  });
});
