import { afterAll, expect, it } from 'vitest';
import { writeRules } from '../support/events';
import { ownRedis } from '../support/redis-server';
import { waitFor } from '../support/wait';
import { startWorker, stopWithin, testIds } from '../support/workers';

/** A stop must end: `systemctl stop` or a redeploy of the trigger waits on it, and whatever the trigger
 * held goes back to its queue for the next one anyway. */
const ids = testIds('trigger-stop');
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

// Gone: ioredis reconnects, and it never ends a connection asked to disconnect meanwhile
// (redis/ioredis#1247); BullMQ's graceful close waits for its blocking connection to end, so the stop
// waited for ever (and after a Sentinel failover, until the grace period ran out). Not answering: every
// connection stays open and nothing answers, a QUIT included. Nothing is in flight in either case, so
// the stop is clean and quick.
it.each([
  ['is gone (killed)', 'gone'],
  ['stops answering (SIGSTOP)', 'hung'],
] as const)('stops cleanly and at once when its Redis %s', async (_, how) => {
  const redis = await ownRedis();
  cleanups.push(() => redis.kill());
  const trigger = startWorker('trigger', ids, {
    REDIS_URL: redis.url,
    DOCKHAND_EVENTS_QUEUE: `dockhand-events-${ids.suffix}-${how}`,
    DOCKHAND_RULES: writeRules({ rules: [] }),
  });
  cleanups.push(() => trigger.crash());
  await trigger.ready;
  if (how === 'gone') {
    await redis.kill();
    await waitFor(
      () => (trigger.output().includes('queue connection trouble') ? true : undefined),
      10_000,
      'the trigger to miss its Redis',
    );
  } else {
    redis.pause();
    cleanups.push(async () => redis.resume());
  }
  const t0 = Date.now();
  expect(await stopWithin(trigger, 30_000)).toBe('stopped');
  expect(trigger.child.exitCode).toBe(0);
  expect(trigger.output()).toContain('trigger stopped');
  expect(trigger.output()).not.toContain('did not stop within');
  expect(Date.now() - t0).toBeLessThan(5_000);
});
