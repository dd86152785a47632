import { describe, expect, it } from 'vitest';
import { planMemory } from '../../../common/remediation/memory-pressure';
import { planRestart, stillUnhealthy } from '../../../common/remediation/restart-unhealthy';

const policy = { maxRestarts: 3, windowMs: 60_000, backoffMs: 1_000 };

describe('planRestart', () => {
  it('restarts at once first, then backs off exponentially, then quarantines', () => {
    expect(planRestart([], 100_000, policy)).toEqual({ action: 'restart', delayMs: 0 });
    expect(planRestart([90_000], 100_000, policy)).toEqual({ action: 'restart', delayMs: 1_000 });
    expect(planRestart([80_000, 90_000], 100_000, policy)).toEqual({ action: 'restart', delayMs: 2_000 });
    expect(planRestart([70_000, 80_000, 90_000], 100_000, policy)).toEqual({
      action: 'quarantine',
      restartsInWindow: 3,
    });
  });
  it('counts only restarts inside the window', () => {
    expect(planRestart([10_000, 20_000, 90_000], 100_000, policy)).toEqual({ action: 'restart', delayMs: 1_000 });
  });
  it('quarantines at once with a zero budget', () => {
    expect(planRestart([], 0, { ...policy, maxRestarts: 0 })).toEqual({ action: 'quarantine', restartsInWindow: 0 });
  });
});

describe('stillUnhealthy', () => {
  const c = { health: 'unhealthy', running: true, startedAtMs: 0, startPeriodMs: 10_000 };
  it('leaves alone what is healthy, stopped, gone or in its start period', () => {
    expect(stillUnhealthy(c, 10_000)).toBe(true);
    expect(stillUnhealthy(c, 9_999)).toBe(false);
    expect(stillUnhealthy({ ...c, health: 'healthy' }, 20_000)).toBe(false);
    expect(stillUnhealthy({ ...c, running: false }, 20_000)).toBe(false);
    expect(stillUnhealthy(null, 20_000)).toBe(false);
  });
});

describe('planMemory', () => {
  const p = { factor: 2, ceiling: 64 * 2 ** 20 };
  it('raises by the factor, caps at the ceiling, notifies at the ceiling, ignores unlimited', () => {
    expect(planMemory(16 * 2 ** 20, p)).toEqual({ action: 'raise', to: 32 * 2 ** 20 });
    expect(planMemory(48 * 2 ** 20, p)).toEqual({ action: 'raise', to: 64 * 2 ** 20 });
    expect(planMemory(64 * 2 ** 20, p)).toEqual({
      action: 'notify',
      reason: `memory limit ${64 * 2 ** 20} is at the ceiling ${64 * 2 ** 20}`,
    });
    expect(planMemory(0, p)).toEqual({ action: 'none', reason: 'the container has no memory limit' });
  });
});
