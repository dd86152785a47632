import type { CanaryPolicy, CanaryVerdict, LatencyThreshold, VersionFigures } from './canary';
import type { HostWindow } from './canary-pool';

/**
 * Judging a canary from the edge's own access log. The edge writes one line per request (see
 * CANARY_LOG_FORMAT in activities/traffic/nginx-config.ts): every upstream attempt with its address,
 * status and response time, so a canary answer the edge retried on stable still counts against the
 * canary. Pure: tested by exact equality.
 */

export interface Attempt {
  /** The upstream's IP address (port dropped). */
  ip: string;
  status: number;
  ms: number;
}

/** The attempts of one log line `msec|addrs|statuses|times|status|request_time`; [] for a line that
 * is not one (a partial write, a request nginx answered itself). */
export function attemptsOf(line: string): Attempt[] {
  const f = line.split('|');
  if (f.length !== 6) return [];
  // nginx separates attempts with ", " and internal redirects with " : ".
  const split = (s: string) => s.split(/, | : /).map((x) => x.trim());
  const addrs = split(f[1]!);
  const statuses = split(f[2]!);
  const times = split(f[3]!);
  const out: Attempt[] = [];
  addrs.forEach((a, i) => {
    const status = Number(statuses[i]);
    const secs = Number(times[i]);
    if (a === '-' || !Number.isFinite(status) || !Number.isFinite(secs)) return;
    out.push({ ip: a.replace(/:\d+$/, ''), status, ms: Math.round(secs * 1000) });
  });
  return out;
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}

function figuresOf(attempts: readonly Attempt[]): VersionFigures {
  const ms = attempts.map((a) => a.ms).sort((a, b) => a - b);
  const ok = attempts.filter((a) => a.status < 500).length;
  return {
    requests: attempts.length,
    ok,
    successRate: attempts.length ? ok / attempts.length : 1,
    p50Ms: percentile(ms, 0.5),
    p99Ms: percentile(ms, 0.99),
  };
}

/** Splits a window's lines by version: `ips` maps each version to its container's addresses. */
export function splitByVersion(
  lines: readonly string[],
  ips: { stable: readonly string[]; canary: readonly string[] },
): { stable: VersionFigures; canary: VersionFigures; other: number } {
  const stable: Attempt[] = [];
  const canary: Attempt[] = [];
  let other = 0;
  for (const line of lines)
    for (const a of attemptsOf(line)) {
      if (ips.canary.includes(a.ip)) canary.push(a);
      else if (ips.stable.includes(a.ip)) stable.push(a);
      else other++;
    }
  return { stable: figuresOf(stable), canary: figuresOf(canary), other };
}

/** The verdict on the canary's figures of one window, with the reasons (every threshold it missed, or
 * why the window cannot be judged). */
export function judgeWindow(
  canary: VersionFigures,
  policy: Pick<CanaryPolicy, 'successRate' | 'p99' | 'p50' | 'minRequests'>,
): { verdict: CanaryVerdict; reasons: string[] } {
  if (canary.requests < policy.minRequests)
    return {
      verdict: 'inconclusive',
      reasons: [`${canary.requests} canary requests, fewer than the ${policy.minRequests} a window needs`],
    };
  const reasons: string[] = [];
  const { min, inclusive } = policy.successRate;
  const rateOk = inclusive ? canary.successRate >= min : canary.successRate > min;
  if (!rateOk) reasons.push(`success rate ${pct(canary.successRate)} is not ${inclusive ? '>=' : '>'} ${pct(min)}`);
  const late = (name: string, value: number, t?: LatencyThreshold) => {
    if (t && !(t.inclusive ? value <= t.maxMs : value < t.maxMs))
      reasons.push(`${name} ${value}ms is not ${t.inclusive ? '<=' : '<'} ${t.maxMs}ms`);
  };
  late('p99', canary.p99Ms, policy.p99);
  late('p50', canary.p50Ms, policy.p50);
  return reasons.length ? { verdict: 'fail', reasons } : { verdict: 'pass', reasons: [] };
}

/** 0.995 → "99.5%". */
export function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/** The figures of one check, one line per version (the Web UI's current details: CommonMark, which
 * the UI renders without tables); a fleet check (with `hosts`) adds one line per host, its canary's own
 * figures and verdict, since its version lines are pooled over the hosts. */
export function figuresLines(f: {
  stable: VersionFigures;
  canary: VersionFigures;
  hosts?: readonly HostWindow[];
}): string {
  const line = (name: string, v: VersionFigures) =>
    `- **${name}**: ${v.requests} requests, ${pct(v.successRate)} non-5xx, p50 ${v.p50Ms}ms, p99 ${v.p99Ms}ms`;
  const versions = [line('stable', f.stable), line('canary', f.canary)].join('\n');
  if (!f.hosts) return versions;
  const host = (h: HostWindow) =>
    `- **${h.host}**: ${h.canary.requests} requests, ${pct(h.canary.successRate)} non-5xx, p99 ${h.canary.p99Ms}ms — ${h.verdict}`;
  // By name: the hosts' windows end in any order, and a host keeps its line from one check to the next.
  const lines = [...f.hosts].sort((a, b) => (a.host < b.host ? -1 : 1)).map(host);
  return `${versions}\n\nThe canary on each host:\n\n${lines.join('\n')}`;
}
