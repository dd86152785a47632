import { describe, expect, it } from 'vitest';
import type { VersionFigures } from '../../../common/canary';
import { fleetVerdict, pooledFigures, poolWindows, type HostWindow } from '../../../common/canary-pool';

const figures = (requests: number, ok: number, p50Ms: number, p99Ms: number): VersionFigures => ({
  requests,
  ok,
  successRate: requests ? ok / requests : 1,
  p50Ms,
  p99Ms,
});
const host = (name: string, verdict: HostWindow['verdict'], reasons: string[] = []): HostWindow => ({
  host: name,
  verdict,
  reasons,
  stable: figures(90, 90, 2, 5),
  canary: figures(10, verdict === 'fail' ? 0 : 10, 3, 8),
});

describe('fleetVerdict: every edge judged on its own, the worst verdict wins', () => {
  it('one failing host fails the window, naming the host', () => {
    expect(fleetVerdict([host('h1', 'pass'), host('h2', 'fail', ['success rate 0% is not >= 99%'])])).toEqual({
      verdict: 'fail',
      reasons: ['host h2: success rate 0% is not >= 99%'],
    });
  });

  it('passes when none fails and one passes (a host short of requests is judged by a later window)', () => {
    expect(fleetVerdict([host('h1', 'pass'), host('h2', 'inconclusive', ['2 canary requests'])])).toEqual({
      verdict: 'pass',
      reasons: [],
    });
  });

  it('inconclusive when no host has enough requests', () => {
    expect(
      fleetVerdict([host('h1', 'inconclusive', ['1 canary requests']), host('h2', 'inconclusive', ['0'])]),
    ).toEqual({ verdict: 'inconclusive', reasons: ['host h1: 1 canary requests', 'host h2: 0'] });
  });
});

describe('pooledFigures', () => {
  it('adds requests and successes; latencies are the worst host’s', () => {
    expect(pooledFigures([figures(10, 9, 3, 40), figures(30, 30, 5, 20)])).toEqual({
      requests: 40,
      ok: 39,
      successRate: 39 / 40,
      p50Ms: 5,
      p99Ms: 40,
    });
    expect(pooledFigures([])).toEqual({ requests: 0, ok: 0, successRate: 1, p50Ms: 0, p99Ms: 0 });
  });

  it('poolWindows keeps every host’s own window beside the pooled figures', () => {
    const hs = [host('h1', 'pass'), host('h2', 'pass')];
    expect(poolWindows(hs)).toEqual({
      verdict: 'pass',
      reasons: [],
      stable: figures(180, 180, 2, 5),
      canary: figures(20, 20, 3, 8),
      hosts: hs,
    });
  });
});
