import { expect, it } from 'vitest';
import { stopWithin } from '../../workers/lib/bounded-stop';

// The last line of defence of every worker process's stop (no known cause hangs it now; see
// test/integration/trigger-stop.test.ts): a stop that never ends gives way after the grace period.
it('says a stop finished, or gives up on one that does not within the grace period', async () => {
  expect(await stopWithin('a quick stop', () => Promise.resolve(), 1_000)).toBe(true);
  const t0 = Date.now();
  expect(await stopWithin('a stop that hangs', () => new Promise<void>(() => undefined), 100)).toBe(false);
  expect(Date.now() - t0).toBeLessThan(1_000);
});
