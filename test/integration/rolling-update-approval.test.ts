import { describe, expect, it } from 'vitest';
import { rollingUpdateStatusQuery } from '../../common/rolling-update';
import { rolloutOutcome } from '../../client/rolling-update';
import { docker } from '../support/docker';
import { expectedReplicas, useRolloutWorld, waitFor } from '../support/rollout';
import { clientAs } from '../support/temporal';

const world = useRolloutWorld('rollgate');
const { ids, newService } = world;
const extraContainers: string[] = [];
world.onCleanUp(() =>
  Promise.all(
    extraContainers.map((n) =>
      docker
        .getContainer(n)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  ),
);

describe('rollingUpdate pause, resume and canary approval', () => {
  it('pauses on a failure, and resume (after the cause is fixed) retries the failed replica and finishes', async () => {
    const app = newService('resume');
    await app.roll('v1', { replicas: 3, parallelism: 3, monitor: 0 });
    // v2 whose health check also needs a dependency that does not run yet.
    const dep = `dep-${ids.suffix}`;
    const spec = {
      ...app.request('v2').spec,
      healthcheck: {
        test: `/bin/busybox wget -q -O /dev/null http://127.0.0.1:8080/health && /bin/busybox wget -q -O /dev/null http://${dep}:8080/health`,
        interval: '1s',
        timeout: '10s',
        retries: 2,
      },
    };
    const handle = await app.start('v2', { spec, failureAction: 'pause' });
    await waitFor(async () => (await handle.query(rollingUpdateStatusQuery)).paused, 150_000, 'paused');
    expect(await handle.query(rollingUpdateStatusQuery)).toMatchObject({ phase: 'paused', currentSlots: [1], done: 0 });

    extraContainers.push(dep);
    const c = await docker.createContainer({
      name: dep,
      Image: 'dockhand-fixture-app:v1',
      HostConfig: { NetworkMode: `${app.service}-net`, Init: true },
    });
    await c.start();
    await clientAs(world.client, 'alice')
      .workflow.getHandle(handle.workflowId)
      .signal('resume', { comment: 'dependency is up' });
    const result = await rolloutOutcome(handle);
    expect(result).toMatchObject({
      outcome: 'updated',
      updated: expectedReplicas(app.service, 3, 'v2').map((r) => r.name),
      rolledBack: [],
    });
    expect(result.failures.map((f) => f.slot)).toEqual([1]);
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 3, 'v2'));
  }, 300_000);

  // The canary gate's decisions (status while waiting, the kept -prev, approve rolls the rest) are
  // tested in seconds by test/unit/rollout/rolling-update-workflow.test.ts; here, a reject's real undo.
  it('canary: reject rolls the canary back to v1', async () => {
    const app = newService('canno');
    await app.roll('v1', { replicas: 3, parallelism: 3, monitor: 0 });
    const handle = await app.start('v2', { pauseAfter: { batches: 1 }, order: 'start-first' });
    await waitFor(
      async () => (await handle.query(rollingUpdateStatusQuery)).phase === 'awaiting-approval',
      150_000,
      'awaiting approval',
    );
    await clientAs(world.client, 'bob')
      .workflow.getHandle(handle.workflowId)
      .signal('reject', { comment: 'error rate up' });
    const result = await rolloutOutcome(handle);
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      updated: [`${app.service}-1`],
      rolledBack: [`${app.service}-1`],
      reason: 'canary rejected by bob: error rate up',
      approval: { outcome: 'rejected', by: 'bob' },
    });
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 3, 'v1'));
  }, 300_000);
});
