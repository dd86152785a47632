import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { execRun } from '../../activities/docker/exec-run';
import { createEdgeActivities } from '../../activities/traffic/edge';
import { createEdgeStateActivities } from '../../activities/traffic/edge-state';
import { APPLY_SITE_SCRIPT } from '../../activities/traffic/edge-scripts';
import {
  EDGE_SITE_PATH,
  generationOf,
  liveMarkerPath,
  renderColorSiteConfig,
  renderSiteConfig,
} from '../../activities/traffic/nginx-config';
import { ErrorType } from '../../common/errors';
import { docker, removeContainers, removeNetwork } from '../support/docker';
import { testIds } from '../support/workers';

const { suffix } = testIds('edge');
const network = `dh-edge-${suffix}`;
const edge = `edge-${suffix}`;
const apps = [`app1-${suffix}`, `app2-${suffix}`];
/** A backend that goes between a config's test and its reload. */
const doomed = `doomed-${suffix}`;
// The blue-green activities name each color's container `<service>-<color>`.
const colorService = `cs-${suffix}`;
const colors = { blue: `${colorService}-blue`, green: `${colorService}-green` };
const env = new MockActivityEnvironment();
const activities = createEdgeActivities(docker);
const { readEdge } = createEdgeStateActivities(docker);

async function run(name: string, image: string, extra: object = {}) {
  const c = await docker.createContainer({
    name,
    Image: image,
    HostConfig: { NetworkMode: network, Init: true },
    ...extra,
  });
  await c.start();
}
async function waitForFile(container: string, path: string) {
  for (let i = 0; i < 100; i++) {
    if ((await execRun(docker, container, ['/bin/busybox', 'test', '-e', path])).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} never appeared in ${container}`);
}
async function healthy(name: string) {
  for (let i = 0; i < 100; i++) {
    if ((await docker.getContainer(name).inspect()).State.Health?.Status === 'healthy') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} never healthy`);
}

beforeAll(async () => {
  await docker.createNetwork({ Name: network });
  await run(apps[0]!, 'dockhand-fixture-app:v1');
  await run(apps[1]!, 'dockhand-fixture-app:v2');
  await run(colors.blue, 'dockhand-fixture-app:v1');
  await run(colors.green, 'dockhand-fixture-app:v2');
  await run(edge, 'dockhand-edge:1');
  await Promise.all([edge, ...apps, colors.blue, colors.green].map(healthy));
});
afterAll(async () => {
  await removeContainers([edge, ...apps, colors.blue, colors.green, doomed]);
  await removeNetwork(network);
});

describe('edge activities (real nginx container)', () => {
  it('switches the edge between backends; the same config twice changes nothing; restore puts the old one back', async () => {
    const before = await env.run(activities.probeEdge, { edge, path: '/version' });
    expect((before as { ok: boolean }).ok).toBe(false); // the default site answers 503

    const first = (await env.run(activities.configureEdge, {
      edge,
      service: 'web',
      upstreams: [{ host: apps[0]!, port: 8080 }],
    })) as { changed: boolean; previousConfig: string };
    expect(first.changed).toBe(true);
    expect(first.previousConfig).toContain('no upstream yet');
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toEqual({
      ok: true,
      status: '2xx',
      body: 'v1\n',
    });
    expect(
      await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[0]!, port: 8080 }] }),
    ).toMatchObject({ changed: false });

    const second = (await env.run(activities.configureEdge, {
      edge,
      service: 'web',
      upstreams: [{ host: apps[1]!, port: 8080 }],
    })) as { previousConfig: string };
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v2\n' });

    expect(await env.run(activities.restoreEdge, { edge, config: second.previousConfig })).toEqual({ changed: true });
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v1\n' });
  });

  it('puts the previous config back when nginx refuses the new one', async () => {
    await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[0]!, port: 8080 }] });
    const err = await env
      .run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: `missing-${suffix}`, port: 8080 }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(ErrorType.BadSpec);
    expect((err as Error).message).toContain(`missing-${suffix}`);
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ ok: true, body: 'v1\n' });
  });

  it('refuses, at once and with the previous config back, a reload that no longer resolves a name the test resolved', async () => {
    // The crash image's deploy, as CI met it: the new color answered DNS for `nginx -t` and had exited
    // by the reload (which parses again). The reload was a retryable failure with the new text left in
    // place, so every retry found it "unchanged", reloaded, failed again — for the activity's 5 minutes.
    await run(doomed, 'dockhand-fixture-app:v2');
    await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[0]!, port: 8080 }] });
    const before = (await execRun(docker, edge, ['/bin/busybox', 'cat', EDGE_SITE_PATH])).stdout;
    // The one injection is timing: the real nginx reloads, 2 s late, and says when it starts to wait.
    const shim = '/usr/local/sbin/nginx'; // before /usr/sbin in the default PATH
    const slowReload = `#!/bin/busybox sh\nif [ "$1" = -s ]; then : > /tmp/reload-waits; /bin/busybox sleep 2; fi\nexec /usr/sbin/nginx "$@"\n`;
    await execRun(
      docker,
      edge,
      ['/bin/busybox', 'sh', '-c', `mkdir -p /usr/local/sbin && cat > ${shim} && chmod +x ${shim}`],
      {
        stdin: slowReload,
      },
    );
    try {
      const change = env
        .run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: doomed, port: 8080 }] })
        .catch((e: unknown) => e);
      await waitForFile(edge, '/tmp/reload-waits');
      await removeContainers([doomed]);
      const err = await change;
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).type).toBe(ErrorType.BadSpec);
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
      expect((err as Error).message).toContain(`host not found in upstream "${doomed}:8080"`);
    } finally {
      await execRun(docker, edge, ['/bin/busybox', 'rm', '-f', shim, '/tmp/reload-waits']);
    }
    expect((await execRun(docker, edge, ['/bin/busybox', 'cat', EDGE_SITE_PATH])).stdout).toBe(before);
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ ok: true, body: 'v1\n' });
    // The next change applies as usual (nothing left locked or half-written).
    expect(
      await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[1]!, port: 8080 }] }),
    ).toMatchObject({ changed: true });
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v2\n' });
  });

  it('an unchanged config nginx does not serve yet (a run that died before its reload) is reloaded', async () => {
    await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[0]!, port: 8080 }] });
    const text = renderSiteConfig('web', [{ host: apps[1]!, port: 8080 }]);
    await execRun(docker, edge, ['/bin/busybox', 'sh', '-c', `cat > ${EDGE_SITE_PATH}`], { stdin: text }); // written, never reloaded
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v1\n' });
    expect(
      await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[1]!, port: 8080 }] }),
    ).toMatchObject({ changed: true });
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v2\n' });
  });

  it('a change that starts while an earlier attempt still runs waits for it, never sharing its files (L3)', async () => {
    const both = renderSiteConfig('web', [
      { host: apps[0]!, port: 8080 },
      { host: apps[1]!, port: 8080 },
    ]);
    const earlier = renderSiteConfig('web', [{ host: apps[1]!, port: 8080 }]);
    const retry = renderSiteConfig('web', [{ host: apps[0]!, port: 8080 }]);
    await env.run(activities.restoreEdge, { edge, config: both });
    // The earlier attempt (timed out on the worker's side) is still streaming its text into the edge.
    const exec = await docker.getContainer(edge).exec({
      Cmd: [
        '/bin/busybox',
        'sh',
        '-c',
        APPLY_SITE_SCRIPT,
        'sh',
        EDGE_SITE_PATH,
        generationOf(earlier) ?? '',
        '',
        '',
        '0',
        'quit',
        '20',
      ],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    const earlierDone = new Promise((r) => (stream.on('end', r), stream.on('close', r), stream.resume()));
    const half = Math.floor(earlier.length / 2);
    stream.write(earlier.slice(0, half));
    await new Promise((r) => setTimeout(r, 500));
    // Its retry starts meanwhile; the earlier one finishes 2 s later.
    const retried = env.run(activities.configureEdge, {
      edge,
      service: 'web',
      upstreams: [{ host: apps[0]!, port: 8080 }],
    }) as Promise<{ changed: boolean; previousConfig: string }>;
    await new Promise((r) => setTimeout(r, 2000));
    stream.end(earlier.slice(half));
    await earlierDone;
    // The retry ran after the earlier attempt, whole: it saw the earlier attempt's text as the previous one.
    expect(await retried).toMatchObject({ changed: true, previousConfig: earlier });
    expect((await execRun(docker, edge, ['/bin/busybox', 'cat', EDGE_SITE_PATH])).stdout).toBe(retry);
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v1\n' });
    const dir = EDGE_SITE_PATH.replace(/[^/]+$/, '');
    expect((await execRun(docker, edge, ['/bin/busybox', 'ls', '-a', dir])).stdout).not.toMatch(
      /dockhand-(tmp|prev|lock)/,
    );
  });

  it('a lock left by a change whose process is gone (killed, edge restarted) does not block the next one (L3)', async () => {
    await execRun(docker, edge, ['/bin/busybox', 'ln', '-s', '999999:1', `${EDGE_SITE_PATH}.dockhand-lock`]);
    expect(
      await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[1]!, port: 8080 }] }),
    ).toMatchObject({ changed: expect.any(Boolean) });
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v2\n' });
  });

  it('blue-green: declares colors with a reload, switches between them by the marker file alone (same nginx worker), refuses an undeclared color', async () => {
    const c = (list: Array<'blue' | 'green'>, live: 'blue' | 'green') =>
      env.run(activities.configureEdgeColors, { edge, service: colorService, colors: list, port: 8080, live });
    const sw = (live: 'blue' | 'green') =>
      env.run(activities.switchEdgeColor, { edge, service: colorService, live }) as Promise<{
        changed: boolean;
        at: number;
      }>;
    const live = async () =>
      ((await env.run(activities.probeEdge, { edge, path: '/__edge/live' })) as { body: string }).body;
    const version = async () =>
      ((await env.run(activities.probeEdge, { edge, path: '/version' })) as { body: string }).body;

    expect(await c(['blue'], 'blue')).toMatchObject({ changed: true });
    expect([await version(), await live()]).toEqual(['v1\n', 'blue\n']);
    const refused = await sw('green').catch((e) => e);
    expect((refused as ApplicationFailure).type).toBe(ErrorType.BadSpec);
    expect((refused as Error).message).toContain(
      `declares no upstream dockhand_${colorService.replace(/-/g, '_')}_green`,
    );
    expect(await readEdge({ edge })).toMatchObject({ upstreamHosts: [colors.blue], colors: ['blue'] });

    expect(await c(['blue', 'green'], 'blue')).toMatchObject({ changed: true });
    expect([await version(), await live()]).toEqual(['v1\n', 'blue\n']); // declaring green routes nothing to it
    expect(await readEdge({ edge })).toMatchObject({ upstreamHosts: [colors.blue], colors: ['blue', 'green'] });
    const workersBefore = await nginxWorkers();
    expect(await sw('green')).toMatchObject({ changed: true });
    expect([await version(), await live()]).toEqual(['v2\n', 'green\n']);
    expect(await sw('green')).toMatchObject({ changed: false });
    expect(await readEdge({ edge })).toMatchObject({ upstreamHosts: [colors.green], colors: ['blue', 'green'] });
    expect(await sw('blue')).toMatchObject({ changed: true });
    expect(await version()).toBe('v1\n');
    expect(await nginxWorkers()).toEqual(workersBefore); // no reload: the same worker answered all along
    await sw('green');

    // Blue dropped: green still serves, and the change saw every worker of the older config exit.
    expect(await c(['green'], 'green')).toMatchObject({ changed: true, drained: true });
    expect(await nginxWorkers()).not.toEqual(workersBefore);
    expect([await version(), await live()]).toEqual(['v2\n', 'green\n']);
    expect(await c(['green'], 'green')).toMatchObject({ changed: false, drained: false });
    expect(await readEdge({ edge })).toMatchObject({ upstreamHosts: [colors.green], colors: ['green'] });
  });

  it('blue-green: the switch GETs the verify path through the edge in the same exec, and reports a bad answer', async () => {
    const sw = (live: 'blue' | 'green', verifyPath: string) =>
      env.run(activities.switchEdgeColor, { edge, service: colorService, live, verifyPath });
    await env.run(activities.configureEdgeColors, {
      edge,
      service: colorService,
      colors: ['blue' as const, 'green' as const],
      port: 8080,
      live: 'blue' as const,
    });
    expect(await sw('green', '/version')).toMatchObject({
      changed: true,
      probe: { ok: true, status: '2xx', body: 'v2' },
    });
    expect(await sw('green', '/version')).toMatchObject({ changed: false, probe: { ok: true, body: 'v2' } });
    const missing = (await sw('blue', '/no-such-page')) as { changed: boolean; probe: { ok: boolean; status: string } };
    expect(missing.changed).toBe(true); // the switch stands: the workflow decides what a failed check undoes
    expect(missing.probe.ok).toBe(false);
    expect(missing.probe.status).toMatch(/404/);
    const plain = await env.run(activities.switchEdgeColor, { edge, service: colorService, live: 'green' as const });
    expect(plain).not.toHaveProperty('probe');
  });
});

describe('readEdge (real nginx container)', () => {
  const reader = `edge-read-${suffix}`;
  // Tagged, to tell the test's own execs from any readEdge would start.
  const sh = async (script: string) =>
    expect((await execRun(docker, reader, ['/bin/busybox', 'sh', '-c', `: test-setup; ${script}`])).exitCode).toBe(0);
  afterAll(() => removeIfAny(reader));

  it('starts no process in the edge; reads the marker as `test -e` does (a symlink counts when its target exists); a config that is a symlink is followed; a gone edge reads as missing', async () => {
    await run(reader, 'dockhand-edge:1');
    const both = renderColorSiteConfig(
      colorService,
      (['blue', 'green'] as const).map((color) => ({ color, upstream: { host: colors[color], port: 8080 } })),
    );
    const marker = liveMarkerPath(colorService);
    await sh(`mkdir -p ${marker.replace(/\/[^/]*$/, '')} && cat > ${EDGE_SITE_PATH} <<'END'\n${both}END`);
    const serving = async () => (await readEdge({ edge: reader })).upstreamHosts;

    const since = Math.floor(Date.now() / 1000) - 1;
    expect(await readEdge({ edge: reader })).toEqual({
      exists: true,
      running: true,
      upstreamHosts: [colors.blue],
      colors: ['blue', 'green'],
      config: both,
    });
    await sh(`: > ${marker}`);
    expect(await serving()).toEqual([colors.green]);
    const execs = await execsIn(reader, since, Math.ceil(Date.now() / 1000) + 1);
    expect(execs.filter((a) => !a.includes('/__edge/health') && !a.includes('test-setup'))).toEqual([]);

    await sh(`rm ${marker} && ln -s /nowhere ${marker}`);
    expect(await serving()).toEqual([colors.blue]); // dangling: test -e says no
    await sh(`rm ${marker} && ln -s ${EDGE_SITE_PATH} ${marker}`);
    expect(await serving()).toEqual([colors.green]);
    await sh(`mv ${EDGE_SITE_PATH} /etc/nginx/site.conf && ln -s /etc/nginx/site.conf ${EDGE_SITE_PATH}`);
    expect((await readEdge({ edge: reader })).config).toBe(both);
    await sh(`rm ${EDGE_SITE_PATH}`);
    expect(await readEdge({ edge: reader })).toMatchObject({ exists: true, running: true, config: '', colors: [] });

    await docker.getContainer(reader).remove({ force: true });
    expect(await readEdge({ edge: reader })).toEqual({
      exists: false,
      running: false,
      upstreamHosts: [],
      colors: [],
      config: '',
    });
  });
});

describe('readEdge of an edge that publishes its port', () => {
  const published = `edge-port-${suffix}`;
  afterAll(() => removeIfAny(published));

  it('says the host port its port 80 is published on (the deploy needs no other inspect for it)', async () => {
    await docker.createContainer({
      name: published,
      Image: 'dockhand-edge:1',
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { NetworkMode: network, PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    await docker.getContainer(published).start();
    const bound = (await docker.getContainer(published).inspect()).NetworkSettings.Ports['80/tcp']![0]!.HostPort;
    expect(Number(bound)).toBeGreaterThan(0);
    expect((await readEdge({ edge: published })).hostPort).toBe(Number(bound));
    await docker.getContainer(published).stop({ t: 0 });
    expect(await readEdge({ edge: published })).not.toHaveProperty('hostPort');
  });
});

/** Removes a container this file made, if it is still there. */
function removeIfAny(name: string): Promise<unknown> {
  return docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
}

/** The actions of the exec processes started in `container` between `since` and `until` (epoch s). */
async function execsIn(container: string, since: number, until: number): Promise<string[]> {
  const stream = await docker.getEvents({ since, until, filters: { container: [container], type: ['container'] } });
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { Action: string }).Action)
    .filter((a) => a.startsWith('exec_create'));
}

/** The pids of the edge's nginx workers (a reload replaces them). */
async function nginxWorkers(): Promise<string[]> {
  const top = await docker.getContainer(edge).top({ ps_args: '-eo pid,args' });
  return ((top.Processes ?? []) as string[][]).filter((p) => p.join(' ').includes('worker process')).map((p) => p[0]!);
}
