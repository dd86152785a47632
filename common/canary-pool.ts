import type { CanaryVerdict, VersionFigures } from './canary';

/**
 * One window of a canary on several hosts: every host's edge is judged on its own requests (a canary
 * broken on one host — its disk, its network — is not diluted by the healthy ones, and percentiles
 * cannot be pooled from per-edge figures without moving the log lines off the hosts), and the window
 * takes the worst verdict. Pure: tested by exact equality.
 */

export interface HostWindow {
  host: string;
  verdict: CanaryVerdict;
  reasons: string[];
  stable: VersionFigures;
  canary: VersionFigures;
}

/** The fleet's verdict: `fail` when any host fails; `pass` when none fails and at least one passes
 * (a host with too few canary requests yet is judged in a later window); `inconclusive` otherwise. */
export function fleetVerdict(hosts: readonly HostWindow[]): { verdict: CanaryVerdict; reasons: string[] } {
  const failed = hosts.filter((h) => h.verdict === 'fail');
  if (failed.length > 0)
    return { verdict: 'fail', reasons: failed.flatMap((h) => h.reasons.map((r) => `host ${h.host}: ${r}`)) };
  if (hosts.some((h) => h.verdict === 'pass')) return { verdict: 'pass', reasons: [] };
  return { verdict: 'inconclusive', reasons: hosts.flatMap((h) => h.reasons.map((r) => `host ${h.host}: ${r}`)) };
}

/** The hosts' figures of one version summed: requests and successes add up (the rate is theirs), the
 * latencies are the worst host's (a per-host percentile is all each edge reports). */
export function pooledFigures(figures: readonly VersionFigures[]): VersionFigures {
  const requests = figures.reduce((n, f) => n + f.requests, 0);
  const ok = figures.reduce((n, f) => n + f.ok, 0);
  return {
    requests,
    ok,
    successRate: requests ? ok / requests : 1,
    p50Ms: Math.max(0, ...figures.map((f) => f.p50Ms)),
    p99Ms: Math.max(0, ...figures.map((f) => f.p99Ms)),
  };
}

/** A fleet window as one check: the verdict, the pooled figures and every host's own. */
export function poolWindows(hosts: readonly HostWindow[]): {
  verdict: CanaryVerdict;
  reasons: string[];
  stable: VersionFigures;
  canary: VersionFigures;
  hosts: HostWindow[];
} {
  return {
    ...fleetVerdict(hosts),
    stable: pooledFigures(hosts.map((h) => h.stable)),
    canary: pooledFigures(hosts.map((h) => h.canary)),
    hosts: [...hosts],
  };
}
