import { describe, expect, it } from 'vitest';
import { formatPhaseMedians, hostPhases, slowestHost } from '../../../bench/lib/deploy-phases';
import type { LaneCall } from '../../../bench/lib/history-lanes';

/** One host's calls of a blue-green deploy v1 → v2, `d` ms later than the first host's, its start `slow` longer. */
function host(queue: string, d = 0, slow = 0): LaneCall[] {
  const call = (type: string, from: number, to: number): LaneCall => ({
    type,
    queue,
    scheduledMs: from + d,
    startedMs: from + d,
    closedMs: to + d,
  });
  return [
    call('listServiceContainers', 50, 70),
    call('readEdge', 50, 120),
    call('ensureNetwork', 140, 150),
    call('createContainer', 200, 240),
    call('startContainer', 250, 550 + slow),
    call('waitHealthy', 560 + slow, 1560 + slow),
    call('configureEdgeColors', 560 + slow, 760 + slow), // the edge learns the new color during the wait
    call('switchEdgeColor', 1600 + slow, 1660 + slow),
    call('configureEdgeColors', 1680 + slow, 1860 + slow), // drops the old color
    call('removeContainer', 1880 + slow, 2000 + slow),
  ];
}

describe('hostPhases', () => {
  it("splits each host's deploy into plan, start, health, switch and drain", () => {
    const phases = hostPhases(host('h1'));
    expect(phases.get('h1')).toEqual({ plan: 200, start: 300, health: 1000, switch: 60, drain: 320 });
  });

  it("takes each phase's slowest host for a fleet, and leaves out a queue that created nothing", () => {
    const calls = [...host('h1'), ...host('h2', 30, 250), { ...host('orchestrator')[0]!, queue: 'orchestrator' }];
    const phases = hostPhases(calls);
    expect([...phases.keys()]).toEqual(['h1', 'h2']);
    expect(slowestHost(phases)).toEqual({ plan: 230, start: 550, health: 1000, switch: 60, drain: 320 });
  });

  it('says NaN for the phases a failed deploy never reached', () => {
    const cut = host('h1').slice(0, 5);
    expect(hostPhases(cut).get('h1')).toEqual({ plan: 200, start: 300, health: NaN, switch: NaN, drain: NaN });
  });
});

describe('formatPhaseMedians', () => {
  it('prints the medians per phase, single against the fleet, with the signed difference', () => {
    const one = { plan: 200, start: 300, health: 1000, switch: 60, drain: 320 };
    const text = formatPhaseMedians([
      { single: one, fleet: { ...one, start: 600, drain: 500 } },
      { single: { ...one, start: 280 }, fleet: { ...one, start: 560, drain: 520, health: 990 } },
      { single: one, fleet: { ...one, start: 700, plan: 330, drain: 480, health: 990 } },
    ]);
    expect(text.split('\n')).toEqual([
      '  phase   single  fleet   extra   (s, medians of 3 rounds; fleet: its slowest host)',
      '  plan      0.20   0.20   +0.00',
      '  start     0.30   0.60   +0.30',
      '  health    1.00   0.99   -0.01',
      '  switch    0.06   0.06   +0.00',
      '  drain     0.32   0.50   +0.18',
    ]);
  });
});
