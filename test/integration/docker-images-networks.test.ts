import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { ErrorType } from '../../common/errors';
import { Labels, managedLabels } from '../../common/labels';
import { docker, removeNetwork, removeService } from '../support/docker';
import { activityRunner, failureOf } from '../support/activities';
import { testIds } from '../support/workers';

const ids = testIds('dkn');
const service = `dkn-${ids.suffix}`;
const network = `dkn-net-${ids.suffix}`;
const { run, container } = activityRunner(ids.hostId, service);
const APP = 'dockhand-fixture-app:v1';
const imageTag = `dockhand-test-${ids.suffix}:built`;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dockhand-images-'));
});
afterAll(async () => {
  await removeService(service);
  await removeNetwork(network);
  const images = await docker.listImages({ filters: { label: [`${Labels.service}=${service}`] } });
  for (const i of images)
    await docker
      .getImage(i.Id)
      .remove({ force: true })
      .catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters: { label: [`${Labels.service}=${service}`] } })).Volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

/** Builds `imageTag` with a label value; building it again with another value leaves the first dangling. */
async function build(version: string) {
  const ctx = path.join(dir, version);
  await rm(ctx, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(ctx, { recursive: true }));
  await writeFile(path.join(ctx, 'Dockerfile'), `FROM ${APP}\nLABEL test.version=${version}\n`);
  return run('ensureImage', { image: imageTag, build: { contextDir: ctx, labels: { [Labels.service]: service } } });
}

/** Test setup, not the subject: builds another image under the same tag straight through the Engine. */
async function retag(version: string, tag = imageTag, owner = service) {
  const ctx = path.join(dir, `${owner}-${version}`);
  await import('node:fs/promises').then((fs) => fs.mkdir(ctx, { recursive: true }));
  await writeFile(path.join(ctx, 'Dockerfile'), `FROM ${APP}\nLABEL test.version=${version}\n`);
  const stream = await docker.buildImage(
    { context: ctx, src: ['Dockerfile'] },
    { t: tag, labels: managedLabels(owner) },
  );
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (e, r) => (e ? reject(e) : resolve(r))));
}

describe('images', () => {
  it('ensures an image: present is a no-op, a build happens once, a missing one is ImageMissing', async () => {
    expect(await run('ensureImage', { image: APP })).toMatchObject({ image: APP, pulled: false });
    const built = await build('one');
    expect(built).toMatchObject({ image: imageTag, built: true, pulled: false });
    expect(await build('one')).toEqual({ ...built, built: false });
    const view = await run('inspectImage', { image: imageTag });
    expect(view.labels).toMatchObject({ [Labels.managed]: 'true', [Labels.service]: service, 'test.version': 'one' });
    const missing = await failureOf(run('ensureImage', { image: `dockhand-test-${ids.suffix}:absent` }));
    expect(missing).toMatchObject({ type: ErrorType.ImageMissing, nonRetryable: true });
    expect(
      (
        await failureOf(
          run('ensureImage', {
            image: `dockhand-test-${ids.suffix}:bad`,
            build: { contextDir: path.join(dir, 'nowhere') },
          }),
        )
      ).type,
    ).toBe(ErrorType.BadSpec);
  });

  it('inspects user, health check, exposed ports and labels; lists by label', async () => {
    const view = await run('inspectImage', { image: APP });
    expect(view).toMatchObject({
      tags: expect.arrayContaining([APP]),
      user: '',
      exposedPorts: ['8080/tcp'],
      healthcheck: {
        test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
        intervalMs: 1000,
        timeoutMs: 2000,
        retries: 3,
      },
      labels: { 'dockhand.fixture': 'true' },
    });
    expect((await failureOf(run('inspectImage', { image: 'dockhand-fixture-app:nope' }))).type).toBe(
      ErrorType.ImageMissing,
    );
    const listed = await run('listImages', { labels: ['dockhand.fixture.app-version=v1'] });
    expect(listed.map((i) => i.id)).toContain(view.id);
    expect(listed.every((i) => i.labels['dockhand.fixture.app-version'] === 'v1')).toBe(true);
  });

  it('prunes only Dockhand-owned dangling images, with a dry run first; removes an image twice alike', async () => {
    await build('one');
    const old = await run('inspectImage', { image: imageTag });
    await retag('two'); // the "one" image is dangling now
    const scope = { labels: [`${Labels.service}=${service}`] };
    const dry = await run('pruneDanglingImages', { ...scope, dryRun: true });
    expect(dry).toMatchObject({ removed: false, images: [{ id: old.id, tags: [] }] });
    expect(await docker.getImage(old.id).inspect()).toBeTruthy();
    expect(await run('pruneDanglingImages', scope)).toMatchObject({ removed: true, images: [{ id: old.id }] });
    expect((await run('pruneDanglingImages', { ...scope, dryRun: true })).images).toEqual([]);

    const name = await container({ image: imageTag }, false);
    expect((await failureOf(run('removeImage', { image: imageTag }))).type).toBe(ErrorType.Conflict); // in use
    await run('removeContainer', { name });
    expect(await run('removeImage', { image: imageTag })).toEqual({ removed: true });
    expect(await run('removeImage', { image: imageTag })).toEqual({ removed: false });
  });
});

describe('networks and ports', () => {
  it('connects with aliases, disconnects and removes, each twice alike; a network in use is a Conflict', async () => {
    expect(await run('ensureNetwork', { name: network, labels: managedLabels(service) })).toMatchObject({
      created: true,
    });
    expect(await run('ensureNetwork', { name: network, labels: managedLabels(service) })).toMatchObject({
      created: false,
    });
    const server = await container({ image: APP, init: true, stopTimeout: 0 });
    const client = await container({ image: APP, init: true, stopTimeout: 0, network });
    expect(await run('connectNetwork', { network, container: server, aliases: ['api'] })).toEqual({ changed: true });
    expect(await run('connectNetwork', { network, container: server, aliases: ['api'] })).toEqual({ changed: false });
    const view = await run('inspectContainer', { name: server });
    expect(view.networks[network]?.aliases).toContain('api');
    expect(view.networks[network]?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const fetched = await run('execInContainer', {
      name: client,
      command: ['/bin/busybox', 'wget', '-q', '-O-', 'http://api:8080/version'],
    });
    expect(fetched).toMatchObject({ exitCode: 0, stdout: 'v1\n' });

    expect((await failureOf(run('removeNetwork', { name: network }))).type).toBe(ErrorType.Conflict);
    expect(await run('disconnectNetwork', { network, container: server })).toEqual({ changed: true });
    expect(await run('disconnectNetwork', { network, container: server })).toEqual({ changed: false });
    await run('removeContainer', { name: client });
    expect(await run('removeNetwork', { name: network })).toEqual({ changed: true });
    expect(await run('removeNetwork', { name: network })).toEqual({ changed: false });
  });

  it('prunes only unused Dockhand networks, with a dry run first', async () => {
    const unused = `${network}-unused`;
    const used = `${network}-used`;
    const scope = { labels: [`${Labels.service}=${service}`] };
    try {
      await run('ensureNetwork', { name: unused, labels: managedLabels(service) });
      await run('ensureNetwork', { name: used, labels: managedLabels(service) });
      await container({ image: APP, init: true, stopTimeout: 0, network: used });
      expect(await run('pruneNetworks', { ...scope, dryRun: true })).toMatchObject({
        removed: false,
        networks: [{ name: unused }],
      });
      expect((await docker.getNetwork(unused).inspect()).Name).toBe(unused);
      expect(await run('pruneNetworks', scope)).toMatchObject({ removed: true, networks: [{ name: unused }] });
      expect(
        await docker
          .getNetwork(unused)
          .inspect()
          .catch((e) => e.statusCode),
      ).toBe(404);
      expect((await run('pruneNetworks', scope)).networks).toEqual([]);
    } finally {
      await removeService(service);
      await removeNetwork(used);
      await removeNetwork(unused);
    }
  });

  it('publishes on a host IP with a random host port, reported back', async () => {
    const name = await container({
      image: APP,
      init: true,
      stopTimeout: 0,
      ports: [{ container: 8080, hostIp: '127.0.0.1' }],
    });
    const [port] = (await run('inspectContainer', { name })).ports;
    expect(port).toMatchObject({ container: 8080, protocol: 'tcp', hostIp: '127.0.0.1' });
    expect(port!.hostPort).toBeGreaterThan(0);
    await run('waitHealthy', { name, timeoutMs: 30_000 });
    expect(await (await fetch(`http://127.0.0.1:${port!.hostPort}/version`)).text()).toBe('v1\n');
  });

  it('runs in host, none and container:<name> network modes', async () => {
    const none = await container({ image: APP, init: true, stopTimeout: 0, network: 'none' });
    const noneView = await run('inspectContainer', { name: none });
    expect(noneView.hostConfig.networkMode).toBe('none');
    expect(Object.keys(noneView.networks)).toEqual(['none']);
    expect((await run('execInContainer', { name: none, command: ['/bin/busybox', 'ip', 'route'] })).stdout).toBe('');

    const host = await container({
      image: APP,
      entrypoint: [],
      command: ['/bin/busybox', 'sleep', '60'],
      network: 'host',
      stopTimeout: 0,
    });
    expect((await run('inspectContainer', { name: host })).hostConfig.networkMode).toBe('host');
    expect((await run('execInContainer', { name: host, command: ['/bin/busybox', 'hostname'] })).stdout.trim()).toBe(
      os.hostname(),
    );

    const web = await container({ image: APP, init: true, stopTimeout: 0 });
    const sidecar = await container({
      image: APP,
      entrypoint: [],
      command: ['/bin/busybox', 'sleep', '60'],
      network: `container:${web}`,
      stopTimeout: 0,
    });
    await run('waitHealthy', { name: web, timeoutMs: 30_000 });
    expect(
      await run('execInContainer', {
        name: sidecar,
        command: ['/bin/busybox', 'wget', '-q', '-O-', 'http://127.0.0.1:8080/version'],
      }),
    ).toMatchObject({ exitCode: 0, stdout: 'v1\n' });
  });
});

describe('clean-up', () => {
  it('lists, then removes Dockhand-owned stopped containers, dangling images and unused networks; volumes only when asked', async () => {
    const cleanupService = `${service}-gc`;
    const owned = managedLabels(cleanupService);
    const stopped = `${cleanupService}-stopped`;
    const running = `${cleanupService}-running`;
    const foreign = `${cleanupService}-foreign`;
    await run('createContainer', { name: stopped, service: cleanupService, spec: { image: APP } as ContainerSpec });
    await run('createContainer', {
      name: running,
      service: cleanupService,
      spec: { image: APP, init: true, stopTimeout: 0 } as ContainerSpec,
    });
    await run('startContainer', { name: running });
    // Labelled with the service but not managed by Dockhand: never touched.
    await docker.createContainer({ name: foreign, Image: APP, Labels: { [Labels.service]: cleanupService } });
    const net = `${cleanupService}-net`;
    await run('ensureNetwork', { name: net, labels: owned });
    const volume = `${cleanupService}-data`;
    await docker.createVolume({ Name: volume, Labels: owned });
    const gcTag = `dockhand-test-${ids.suffix}:gc`;
    await retag('one', gcTag, cleanupService);
    const dangling = (await docker.getImage(gcTag).inspect()).Id;
    await retag('two', gcTag, cleanupService);
    try {
      const dry = await run('cleanupDockhand', { service: cleanupService, dryRun: true });
      expect(dry).toMatchObject({
        dryRun: true,
        containers: [{ name: stopped, status: 'created' }],
        images: [{ id: dangling }],
        networks: [{ name: net }],
        volumes: [],
      });
      expect(dry.images).toHaveLength(1);
      expect((await docker.getContainer(stopped).inspect()).Id).toBeTruthy();

      const done = await run('cleanupDockhand', { service: cleanupService });
      expect(done).toMatchObject({
        dryRun: false,
        containers: [{ name: stopped }],
        images: [{ id: dangling }],
        networks: [{ name: net }],
        volumes: [],
      });
      expect(
        await docker
          .getImage(dangling)
          .inspect()
          .catch((e) => e.statusCode),
      ).toBe(404);
      expect((await docker.getImage(gcTag).inspect()).RepoTags).toContain(gcTag);
      expect(
        await docker
          .getContainer(stopped)
          .inspect()
          .catch((e) => e.statusCode),
      ).toBe(404);
      expect((await docker.getContainer(running).inspect()).State.Running).toBe(true);
      expect((await docker.getContainer(foreign).inspect()).Id).toBeTruthy();
      expect(
        await docker
          .getVolume(volume)
          .inspect()
          .then(() => 'kept'),
      ).toBe('kept');

      expect(await run('cleanupDockhand', { service: cleanupService, volumes: true })).toMatchObject({
        containers: [],
        networks: [],
        volumes: [volume],
      });
      expect(
        await docker
          .getVolume(volume)
          .inspect()
          .catch((e) => e.statusCode),
      ).toBe(404);
      expect(await run('cleanupDockhand', { service: cleanupService, volumes: true })).toEqual({
        dryRun: false,
        containers: [],
        images: [],
        networks: [],
        volumes: [],
      });
    } finally {
      await removeService(cleanupService);
      await removeNetwork(net);
      await docker
        .getVolume(volume)
        .remove()
        .catch(() => undefined);
      await docker
        .getImage(gcTag)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });
});
