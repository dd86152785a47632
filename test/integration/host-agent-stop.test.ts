import Docker from 'dockerode';
import { afterAll, expect, it } from 'vitest';
import { testQueue } from '../support/events';
import { ownRedis } from '../support/redis-server';
import { waitFor } from '../support/wait';
import { startWorker, stopWithin, testIds } from '../support/workers';

const ids = testIds('agent-stop');
const docker = new Docker();
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

// A host agent stopped (a redeploy, `systemctl stop`) while its Redis is gone and an engine event waits
// to be published: it waited for ever on that publish. It stops now, and the event is not lost: the
// cursor in Redis never moved past it, so the next agent publishes it.
it('stops soon when its Redis is gone while an engine event waits to be published; the next agent publishes it', async () => {
  const redis = await ownRedis();
  cleanups.push(() => redis.kill());
  const queueName = `dockhand-events-${ids.suffix}`;
  const env = { REDIS_URL: redis.url, DOCKHAND_EVENTS_PUBLISH: '1', DOCKHAND_EVENTS_QUEUE: queueName };
  const following = (agent: ReturnType<typeof startWorker>) =>
    waitFor(
      () => (agent.output().includes('following engine events') ? true : undefined),
      20_000,
      'the agent to follow events',
    );
  const agent = startWorker('host-agent', ids, env);
  cleanups.push(() => agent.crash());
  await agent.ready;
  await following(agent);
  await redis.kill();
  const name = `agent-stop-${ids.suffix}`;
  const c = await docker.createContainer({ Image: 'dockhand-fixture-app:v1', name });
  cleanups.push(() => c.remove({ force: true }));
  await new Promise((r) => setTimeout(r, 1_000)); // the agent has read the create and waits on Redis
  const t0 = Date.now();
  expect(await stopWithin(agent, 30_000)).toBe('stopped');
  expect(agent.output()).toContain('host agent stopped');
  expect(Date.now() - t0).toBeLessThan(15_000);

  await redis.start();
  const next = startWorker('host-agent', ids, env);
  cleanups.push(() => next.crash());
  await next.ready;
  const queue = testQueue(queueName, redis.url);
  cleanups.push(() => queue.close());
  const created = await waitFor(
    async () => (await queue.all()).find((j) => j.data.action === 'create' && j.data.name === name),
    20_000,
    `the create of ${name} published`,
  );
  expect(created.data.host).toBe(ids.hostId);
});
