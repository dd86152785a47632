import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createEdgeActivities } from '../../activities/traffic/edge';
import { ErrorType } from '../../common/errors';
import { docker, removeNetwork } from '../support/docker';
import { testIds } from '../support/workers';

const { suffix } = testIds('edge');
const network = `dh-edge-${suffix}`;
const edge = `edge-${suffix}`;
const apps = [`app1-${suffix}`, `app2-${suffix}`];
const env = new MockActivityEnvironment();
const activities = createEdgeActivities(docker);

async function run(name: string, image: string, extra: object = {}) {
  const c = await docker.createContainer({ name, Image: image, HostConfig: { NetworkMode: network, Init: true }, ...extra });
  await c.start();
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
  await run(edge, 'dockhand-edge:1');
  await Promise.all([edge, ...apps].map(healthy));
});
afterAll(async () => {
  await Promise.all([edge, ...apps].map((n) => docker.getContainer(n).remove({ force: true }).catch(() => undefined)));
  await removeNetwork(network);
});

describe('edge activities (real nginx container)', () => {
  it('switches the edge between backends; the same config twice changes nothing; restore puts the old one back', async () => {
    const before = await env.run(activities.probeEdge, { edge, path: '/version' });
    expect((before as { ok: boolean }).ok).toBe(false); // the default site answers 503

    const first = (await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[0]!, port: 8080 }] })) as { changed: boolean; previousConfig: string };
    expect(first.changed).toBe(true);
    expect(first.previousConfig).toContain('no upstream yet');
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toEqual({ ok: true, status: '2xx', body: 'v1\n' });
    expect(await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[0]!, port: 8080 }] })).toMatchObject({ changed: false });

    const second = (await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[1]!, port: 8080 }] })) as { previousConfig: string };
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v2\n' });

    expect(await env.run(activities.restoreEdge, { edge, config: second.previousConfig })).toEqual({ changed: true });
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ body: 'v1\n' });
  });

  it('puts the previous config back when nginx refuses the new one', async () => {
    await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: apps[0]!, port: 8080 }] });
    const err = await env.run(activities.configureEdge, { edge, service: 'web', upstreams: [{ host: `missing-${suffix}`, port: 8080 }] }).catch((e) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(ErrorType.BadSpec);
    expect((err as Error).message).toContain(`missing-${suffix}`);
    expect(await env.run(activities.probeEdge, { edge, path: '/version' })).toMatchObject({ ok: true, body: 'v1\n' });
  });
});
