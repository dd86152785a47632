import { describe, expect, it } from 'vitest';
import { PROBE_EVENT_BUDGET, probePauseMs, probeRounds } from '../../../common/agent-probes';

const DAY = 24 * 3_600_000;

/** The rounds a wait probes until `untilMs`, each round taking `roundMs` besides its pause. */
function roundsUntil(untilMs: number, hosts: number, waitMs?: number, roundMs = 50): number {
  let t = 0;
  let rounds = 0;
  while (t < untilMs) {
    t += roundMs + probePauseMs(t, hosts, waitMs);
    rounds++;
  }
  return rounds;
}

describe('agent probes while a fleet waits', () => {
  it('a known wait gets at most 240 rounds, fewer on many hosts: within the event budget at worst', () => {
    expect([1, 3, 10, 50].map(probeRounds)).toEqual([240, 173, 61, 13]);
    for (const hosts of [1, 2, 3, 5, 10, 20, 50, 200])
      expect(probeRounds(hosts) * (6 * hosts + 5)).toBeLessThanOrEqual(PROBE_EVENT_BUDGET);
  });

  it('a 24 h approval on 3 hosts probes every 8.3 min; a short wait every 5 s at most', () => {
    expect(probePauseMs(0, 3, DAY)).toBe(Math.round(DAY / 173));
    expect(roundsUntil(DAY, 3, DAY)).toBeLessThanOrEqual(173);
    expect(probePauseMs(0, 3, 60_000)).toBe(5_000);
    expect(probePauseMs(0, 1, 30 * 60_000)).toBe(7_500); // the workflow tests' 30 min bake
  });

  it('a wait of unknown length probes every 5 s at first, then less often: ~345 rounds in a day', () => {
    expect(probePauseMs(0, 1)).toBe(5_000);
    expect(probePauseMs(3_600_000, 1)).toBe(72_000);
    expect(probePauseMs(DAY, 1)).toBe(DAY / 50);
    const day = roundsUntil(DAY, 1);
    expect(day).toBeGreaterThan(300);
    expect(day * 11).toBeLessThan(PROBE_EVENT_BUDGET); // one host: 6 + 5 events a round at worst
    expect(roundsUntil(7 * DAY, 1) - day).toBeLessThan(120); // a week adds ~50·ln 7 rounds
  });
});
