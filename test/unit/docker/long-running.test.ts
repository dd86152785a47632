import { CancelledFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { heartbeating } from '../../../activities/docker/long-running';

describe('heartbeating', () => {
  it('reports a cancellation only once the Engine call it was running has ended (chaos seed 20261206 round 6)', async () => {
    const env = new MockActivityEnvironment();
    const events: string[] = [];
    // A call the Engine already took: the abort does not stop it, it lands 300 ms later.
    const landing = () =>
      new Promise<string>((resolve) => setTimeout(() => (events.push('call landed'), resolve('renamed')), 300));
    const attempt = env
      .run(() => heartbeating(landing))
      .catch((err: unknown) => {
        events.push(err instanceof CancelledFailure ? 'reported cancelled' : `failed: ${String(err)}`);
      });
    setTimeout(() => env.cancel(), 50);
    await attempt;
    expect(events).toEqual(['call landed', 'reported cancelled']);
  });

  it('does not wait past its grace for a call that never ends', async () => {
    const env = new MockActivityEnvironment();
    const started = Date.now();
    const attempt = env.run(() => heartbeating(() => new Promise<never>(() => {}), undefined, { graceMs: 200 }));
    setTimeout(() => env.cancel(), 50);
    await expect(attempt).rejects.toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
