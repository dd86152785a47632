import { afterAll, expect, it } from 'vitest';
import { writeRules } from '../support/events';
import { ownRedis } from '../support/redis-server';
import { startWorker, stopWithin, testIds } from '../support/workers';

/** A stop must end: `systemctl stop` or a redeploy of the trigger waits on it, and whatever the trigger
 * held goes back to its queue for the next one anyway. */
const ids = testIds('trigger-stop');
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

it('exits within its grace period when its Redis stops answering, saying so', async () => {
  const redis = await ownRedis();
  cleanups.push(() => redis.kill());
  const trigger = startWorker('trigger', ids, {
    REDIS_URL: redis.url,
    DOCKHAND_EVENTS_QUEUE: `dockhand-events-${ids.suffix}`,
    DOCKHAND_RULES: writeRules({ rules: [] }),
  });
  cleanups.push(() => trigger.crash());
  await trigger.ready;
  redis.pause(); // every connection stays open; nothing answers (a QUIT included)
  cleanups.push(async () => redis.resume());
  expect(await stopWithin(trigger, 30_000)).toBe('stopped');
  expect(trigger.child.exitCode).toBe(0);
  expect(trigger.output()).toContain('the trigger did not stop within 10 s; exiting anyway');
  expect(trigger.output()).not.toContain('trigger stopped');
});
