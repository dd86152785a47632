import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createRemediationActivities } from '../../activities/docker/remediation';
import { docker, removeContainersLabelled } from '../support/docker';
import { waitFor } from '../support/wait';

// restartIfUnhealthy is retried when its host agent dies mid-restart (chaos seed 20261210, rounds 47 and
// 49): the restart had gone through, the retry found the container "starting" and said `restarted: false`,
// so the workflow ended "0 restarts" for a container it had restarted.

const LABEL = `dockhand.test.restart-retry=${process.pid}`;
const activities = createRemediationActivities(docker);

/** A container whose health check always fails: unhealthy a second after each start. */
async function alwaysUnhealthy(name: string) {
  const c = await docker.createContainer({
    name,
    Image: 'dockhand-fixture-app:v1',
    Labels: Object.fromEntries([LABEL.split('=')]),
    Healthcheck: { Test: ['CMD', '/bin/busybox', 'false'], Interval: 500_000_000, Retries: 1 },
    HostConfig: { Init: true },
  });
  await c.start();
  await waitFor(async () => ((await c.inspect()).State.Health?.Status === 'unhealthy' ? true : undefined), 30_000);
  return c;
}

const startedAt = async (name: string) => (await docker.getContainer(name).inspect()).State.StartedAt;

afterAll(() => removeContainersLabelled(LABEL));

describe('restartIfUnhealthy retried after its agent died', () => {
  it('counts the restart the first attempt made, and does not restart again', async () => {
    const name = `restart-retry-made-${process.pid}`;
    const c = await alwaysUnhealthy(name);
    // The first attempt: it heartbeats when it issues the restart, the restart goes through, its agent dies.
    const restartIssuedAt = Date.now();
    await c.restart({ t: 1 });
    const afterFirst = await startedAt(name);
    await waitFor(async () => ((await c.inspect()).State.Health?.Status === 'unhealthy' ? true : undefined), 30_000);

    const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { restartIssuedAt } });
    expect(await retry.run(activities.restartIfUnhealthy, { name, timeoutS: 1 })).toEqual({ restarted: true });
    expect(await startedAt(name)).toBe(afterFirst);
  });

  it('restarts when the earlier attempt died before its restart went through', async () => {
    const name = `restart-retry-lost-${process.pid}`;
    await alwaysUnhealthy(name);
    const before = await startedAt(name);
    const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { restartIssuedAt: Date.now() } });
    expect(await retry.run(activities.restartIfUnhealthy, { name, timeoutS: 1 })).toEqual({ restarted: true });
    expect(await startedAt(name)).not.toBe(before);
  });
});
