import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { replicaLabels } from '../../common/rolling-update';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { ErrorType } from '../../common/errors';
import { docker, removeContainers, removeService } from '../support/docker';
import { activityRunner, failureOf } from '../support/activities';
import { freePort } from '../support/events';
import { testIds } from '../support/workers';
import { createReplicaLaunchActivities } from '../../activities/docker/replica-launch';

// The rollout's activities against the real engine: the health gate of a launch scheduled ahead, waits
// that wake at the engine's health event, the start-first hand-over, and the edge in one round trip.
const ids = testIds('rl');
const service = `rl-${ids.suffix}`;
const { run, container, activities } = activityRunner(ids.hostId, service);
const app = (version: string) =>
  ({ image: `dockhand-fixture-app:${version}`, init: true, stopTimeout: 1 }) as ContainerSpec;
const inspect = (name: string) => docker.getContainer(name).inspect();
/** No look-again timer that could end the wait within a test: only an engine event can. */
const NO_POLL = 120_000;

afterAll(() => removeService(service));

describe('launchReplica after other containers', () => {
  it('starts only once the container before it is healthy', async () => {
    const before = await container(app('v1'));
    const name = `${service}-gated`;
    await run('launchReplica', { name, service, spec: app('v2'), healthTimeoutMs: 60_000, after: [before] });
    const [b, n] = await Promise.all([inspect(before), inspect(name)]);
    const healthySince = Math.min(...b.State.Health!.Log.filter((l) => l.ExitCode === 0).map((l) => Date.parse(l.End)));
    expect(Date.parse(n.State.StartedAt)).toBeGreaterThanOrEqual(healthySince);
    expect(n.State.Health!.Status).toBe('healthy');
  });

  it('is not started when the container before it exits: PredecessorFailed, the new one only created', async () => {
    const before = await container(app('crash'));
    const name = `${service}-never`;
    const failure = await failureOf(
      run('launchReplica', { name, service, spec: app('v2'), healthTimeoutMs: 60_000, after: [before] }),
    );
    expect(failure.type).toBe(ErrorType.PredecessorFailed);
    expect(failure.message).toContain(`${before} did not become healthy`);
    expect((await inspect(name)).State.Status).toBe('created');
  });

  it('is not started when the container before it is gone', async () => {
    const failure = await failureOf(
      run('launchReplica', {
        name: `${service}-orphan`,
        service,
        spec: app('v2'),
        healthTimeoutMs: 60_000,
        after: [`${service}-missing`],
      }),
    );
    expect(failure.type).toBe(ErrorType.PredecessorFailed);
    expect((await inspect(`${service}-orphan`)).State.Status).toBe('created');
  });
});

describe('health waits wake at the engine event', () => {
  it('waitHealthy returns at the health event, with no poll due for minutes', async () => {
    const name = await container(app('v1'));
    const { health, waitedMs } = await run('waitHealthy', { name, timeoutMs: NO_POLL, pollMs: NO_POLL });
    expect(health).toBe('healthy');
    expect(waitedMs).toBeLessThan(30_000);
  }, 60_000);

  it('watchHealthy fails as soon as the container turns unhealthy, with no poll due for minutes', async () => {
    const name = await container({ image: 'dockhand-fixture-app:flaky', init: true, stopTimeout: 1 });
    await run('waitHealthy', { name, timeoutMs: 60_000 });
    const { id } = await run('inspectContainer', { name });
    const watching = failureOf(run('watchHealthy', { id, name, durationMs: NO_POLL, pollMs: NO_POLL }));
    await run('execInContainer', { name, command: ['/bin/busybox', 'rm', '/www/health'] });
    const failure = await watching;
    expect(failure.type).toBe(ErrorType.Unhealthy);
    expect(failure.message).toContain(`${name} became unhealthy during its monitor period`);
  }, 60_000);
});

describe('handOverReplica', () => {
  it('keeps the old replica stopped as -prev and gives its name to the successor; twice changes nothing', async () => {
    const old = await container(app('v1'));
    const successor = `${old}-next`;
    const { id } = await run('launchReplica', { name: successor, service, spec: app('v2'), healthTimeoutMs: 60_000 });
    const oldId = (await inspect(old)).Id;
    for (let i = 0; i < 2; i++) await run('handOverReplica', { name: old, keepAs: `${old}-prev`, successorId: id });
    const [now, prev] = await Promise.all([inspect(old), inspect(`${old}-prev`)]);
    expect(now.Id).toBe(id);
    expect(now.State.Running).toBe(true);
    expect(prev.Id).toBe(oldId);
    expect(prev.State.Running).toBe(false);
    expect((await failureOf(run('inspectContainer', { name: successor }))).type).toBe(ErrorType.NotFound);
  });
});

describe('ensureEdgeContainer', () => {
  const edge = (ports: number[]) =>
    ({
      image: 'dockhand-edge:1',
      ports: ports.map((container) => ({ container, hostIp: '127.0.0.1' })),
    }) as ContainerSpec;

  it("creates, starts and waits for the edge; keeps the service's own edge as it is; refuses a container that is not its own", async () => {
    const name = `${service}-edge`;
    await run('ensureEdgeContainer', { name, service, spec: edge([80]), timeoutMs: 60_000 });
    const first = await inspect(name);
    await expectEdgeAnswers(name);
    await docker.getContainer(name).stop({ t: 1 });
    // Asked again with another spec: this service's edge serves traffic, so it is kept, only started.
    await run('ensureEdgeContainer', { name, service, spec: edge([80, 81]), timeoutMs: 60_000 });
    const again = await inspect(name);
    expect(again.Id).toBe(first.Id);
    await expectEdgeAnswers(name);

    const foreign = `${service}-foreign-edge`;
    await docker.createContainer({ name: foreign, Image: 'dockhand-edge:1', Labels: { 'dockhand.test': service } });
    try {
      const refused = await failureOf(
        run('ensureEdgeContainer', { name: foreign, service, spec: edge([80]), timeoutMs: 60_000 }),
      );
      expect(refused.type).toBe(ErrorType.Conflict);
      expect(refused.message).toContain('a container Dockhand does not manage');
      expect((await inspect(foreign)).State.Status).toBe('created');
    } finally {
      await docker.getContainer(foreign).remove({ force: true });
    }
  }, 120_000);
});

/** Running, and its own health check passes now (ensureEdgeContainer does not wait for Docker's first
 * check, one interval of the edge image after the start: its status may still be "starting"). */
async function expectEdgeAnswers(name: string) {
  const { State } = await inspect(name);
  expect(State.Running).toBe(true);
  expect(['starting', 'healthy']).toContain(State.Health!.Status);
  const check = await run('execInContainer', {
    name,
    command: ['/bin/busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1/__edge/health'],
  });
  expect(check).toMatchObject({ exitCode: 0, stdout: 'ok\n' });
}

describe('the undo acts on what the rollout made, never on a name alone (C1, L11)', () => {
  const foreign: string[] = [];
  /** A container Dockhand does not manage (no labels), named as the test says. */
  const foreignContainer = async (name: string) => {
    const c = await docker.createContainer({ name, Image: 'dockhand-fixture-app:v1' });
    foreign.push(c.id);
    return c.id;
  };
  const slotReplica = async (name: string, slot: number, version: string, start = true) => {
    await run('createContainer', { name, service, spec: app(version), labels: replicaLabels(slot) });
    if (start) await run('startContainer', { name });
    return (await inspect(name)).Id;
  };
  afterAll(() => removeContainers(foreign));

  it('removeReplica leaves a foreign container under the name alone, and removes by id', async () => {
    const name = `${service}-7`;
    const id = await foreignContainer(name);
    expect(await run('removeReplica', { name, service, slot: 7 })).toEqual({
      removed: false,
      leftAlone: `${name} (${id.slice(0, 12)}) is not ${service}'s replica 7`,
    });
    expect((await inspect(name)).Id).toBe(id);
    const ours = await slotReplica(`${service}-8`, 8, 'v1', false);
    expect(await run('removeReplica', { name: `${service}-8`, id: ours, service, slot: 8 })).toEqual({ removed: true });
    expect(await run('removeReplica', { name: `${service}-8`, id: ours, service, slot: 8 })).toEqual({
      removed: false,
    });
  });

  it('restoreReplica puts the stopped original back under its name, replacing the slot’s new replica', async () => {
    const original = await slotReplica(`${service}-9`, 9, 'v1');
    await run('retireReplica', { name: `${service}-9`, keepAs: `${service}-9-prev` });
    await slotReplica(`${service}-9`, 9, 'v2');
    for (let i = 0; i < 2; i++)
      await run('restoreReplica', {
        id: original,
        name: `${service}-9`,
        service,
        slot: 9,
        healthTimeoutMs: 60_000,
        monitorMs: 0,
      });
    const now = await inspect(`${service}-9`);
    expect(now.Id).toBe(original);
    expect(now.State.Health!.Status).toBe('healthy');
    expect((await failureOf(run('inspectContainer', { name: `${service}-9-prev` }))).type).toBe(ErrorType.NotFound);
  }, 90_000);

  it('restoreReplica refuses a name held by a container that is not the slot’s (Conflict), and leaves it', async () => {
    const original = await slotReplica(`${service}-10`, 10, 'v1', false);
    await run('renameContainer', { name: `${service}-10`, newName: `${service}-10-prev` });
    const holder = await foreignContainer(`${service}-10`);
    const failure = await failureOf(
      run('restoreReplica', {
        id: original,
        name: `${service}-10`,
        service,
        slot: 10,
        healthTimeoutMs: 10_000,
        monitorMs: 0,
      }),
    );
    expect(failure.type).toBe(ErrorType.Conflict);
    expect((await inspect(`${service}-10`)).Id).toBe(holder);
  });

  it('startReplicaBeside starts the kept original beside the slot’s replica and waits until it is healthy; twice is the same', async () => {
    const original = await slotReplica(`${service}-13`, 13, 'v1');
    await run('retireReplica', { name: `${service}-13`, keepAs: `${service}-13-prev` });
    const current = await slotReplica(`${service}-13`, 13, 'v2');
    for (let i = 0; i < 2; i++)
      expect(
        await run('startReplicaBeside', { id: original, name: `${service}-13-prev`, healthTimeoutMs: 60_000 }),
      ).toEqual({ started: true });
    const [kept, now] = await Promise.all([inspect(`${service}-13-prev`), inspect(`${service}-13`)]);
    expect(kept.Id).toBe(original);
    expect(kept.State.Health!.Status).toBe('healthy');
    expect(now.Id).toBe(current);
    expect(now.State.Running).toBe(true);
  }, 90_000);

  it('startReplicaBeside refuses an original that publishes a fixed host port (the Engine would not start it beside), and starts nothing', async () => {
    const port = await freePort();
    const withPort = (version: string) => ({
      ...app(version),
      ports: [{ container: 8080, host: port, protocol: 'tcp' as const }],
    });
    await run('createContainer', { name: `${service}-14`, service, spec: withPort('v1'), labels: replicaLabels(14) });
    const original = (await inspect(`${service}-14`)).Id;
    await run('renameContainer', { name: `${service}-14`, newName: `${service}-14-prev` });
    await run('createContainer', { name: `${service}-14`, service, spec: withPort('v2'), labels: replicaLabels(14) });
    await run('startContainer', { name: `${service}-14` });
    expect(
      await run('startReplicaBeside', { id: original, name: `${service}-14-prev`, healthTimeoutMs: 10_000 }),
    ).toEqual({
      started: false,
      why: `${service}-14-prev publishes fixed host port ${port}, which the replica beside it holds`,
    });
    expect((await inspect(original)).State.Status).toBe('created');
    // What the refusal spares: the Engine itself will not start it beside the replica holding the port.
    await expect(docker.getContainer(original).start()).rejects.toThrow(/port is already allocated/);
  }, 60_000);

  it('retireReplica never discards a foreign container under keepAs, and stops nothing then', async () => {
    const name = `${service}-11`;
    await slotReplica(name, 11, 'v1');
    const holder = await foreignContainer(`${name}-prev`);
    const failure = await failureOf(run('retireReplica', { name, keepAs: `${name}-prev` }));
    expect(failure.type).toBe(ErrorType.Conflict);
    expect((await inspect(`${name}-prev`)).Id).toBe(holder);
    expect((await inspect(name)).State.Running).toBe(true);
  });
});

describe('planned spec hashes and deadlines (M2, L6)', () => {
  it('planSpecHashes gives the hash launchReplica creates, env files included', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-env-'));
    const envFile = path.join(dir, 'app.env');
    writeFileSync(envFile, 'GREETING=hello\n');
    const spec = { ...app('v1'), envFiles: [envFile] } as ContainerSpec;
    const hashes = await run('planSpecHashes', { service, spec, slots: [12] });
    await run('launchReplica', {
      name: `${service}-12`,
      service,
      spec,
      labels: replicaLabels(12),
      healthTimeoutMs: 60_000,
    });
    expect((await inspect(`${service}-12`)).Config.Labels['dockhand.spec-hash']).toBe(hashes[12]);
  }, 90_000);

  it('watchHealthy keeps the first attempt’s deadline on a retry (the period is not restarted)', async () => {
    const name = await container(app('v1'));
    await run('waitHealthy', { name, timeoutMs: 60_000 });
    const { id } = await run('inspectContainer', { name });
    const retry = new MockActivityEnvironment({ heartbeatDetails: { startedAt: Date.now() - 60_000 } });
    const started = Date.now();
    await retry.run(activities.watchHealthy, { id, name, durationMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);
});

describe('launchReplica after a dockerd restart left a half-made task (chaos seed 20261206 round 19)', () => {
  it('replaces the container that can never start with a fresh one, which comes up healthy', async () => {
    const name = `${service}-stale`;
    let stale: string | undefined;
    // dockerd 20.10's answer to every start of such a container. Made here by injection (the real
    // state takes a dockerd restart in the middle of a start); all else is the real engine.
    const engine = Object.create(docker) as typeof docker;
    engine.getContainer = (id: string) => {
      const c = docker.getContainer(id);
      if (id === name && !stale)
        c.start = async () => {
          stale = (await c.inspect()).Id;
          throw Object.assign(new Error('(HTTP code 500) server error'), {
            statusCode: 500,
            json: { message: `task ${stale}: already exists` },
          });
        };
      return c;
    };
    const { launchReplica } = createReplicaLaunchActivities(engine, ids.hostId);
    const { id } = (await new MockActivityEnvironment().run(launchReplica, {
      name,
      service,
      spec: app('v2'),
      labels: replicaLabels(1),
      healthTimeoutMs: 60_000,
    })) as { id: string };
    expect(stale).toBeDefined();
    expect(id).not.toBe(stale);
    const now = await inspect(name);
    expect([now.Id, now.State.Health!.Status]).toEqual([id, 'healthy']);
    await expect(inspect(stale!)).rejects.toMatchObject({ statusCode: 404 });
  });
});
