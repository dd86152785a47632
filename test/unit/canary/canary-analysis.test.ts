import { describe, expect, it } from 'vitest';
import { attemptsOf, figuresLines, judgeWindow, percentile, splitByVersion } from '../../../common/canary-analysis';

const line = (addr: string, status: string, time: string, final = '200') =>
  `1764669600.123|${addr}|${status}|${time}|${final}|0.010`;

describe('attemptsOf', () => {
  it('reads every upstream attempt of a line (a retried one counts against the first upstream)', () => {
    expect(attemptsOf(line('172.18.0.3:8080, 172.18.0.4:8080', '502, 200', '0.001, 0.004'))).toEqual([
      { ip: '172.18.0.3', status: 502, ms: 1 },
      { ip: '172.18.0.4', status: 200, ms: 4 },
    ]);
  });
  it('skips what is no attempt: a request nginx answered itself, a partial line', () => {
    expect(attemptsOf('1764669600.123|-|-|-|503|0.000')).toEqual([]);
    expect(attemptsOf('1764669600.123|172.18')).toEqual([]);
  });
});

describe('splitByVersion + judgeWindow', () => {
  const ips = { stable: ['10.0.0.2'], canary: ['10.0.0.3'] };
  it('figures per version: requests, non-5xx share, p50/p99 (nearest rank)', () => {
    const lines = [
      ...Array.from({ length: 9 }, (_, i) => line('10.0.0.2:80', '200', `0.00${i + 1}`)),
      line('10.0.0.3:80', '500', '0.002', '500'),
      line('10.0.0.3:80', '200', '0.030'),
      line('10.0.0.9:80', '200', '0.001'),
    ];
    expect(splitByVersion(lines, ips)).toEqual({
      stable: { requests: 9, ok: 9, successRate: 1, p50Ms: 5, p99Ms: 9 },
      canary: { requests: 2, ok: 1, successRate: 0.5, p50Ms: 2, p99Ms: 30 },
      other: 1,
    });
  });
  it('judges the canary: every missed threshold named; too few requests is no verdict', () => {
    const policy = {
      successRate: { min: 0.99, inclusive: true },
      p99: { maxMs: 500, inclusive: false },
      minRequests: 10,
    };
    const bad = { requests: 20, ok: 10, successRate: 0.5, p50Ms: 100, p99Ms: 800 };
    expect(judgeWindow(bad, policy)).toEqual({
      verdict: 'fail',
      reasons: ['success rate 50% is not >= 99%', 'p99 800ms is not < 500ms'],
    });
    expect(judgeWindow({ ...bad, ok: 20, successRate: 1, p99Ms: 499 }, policy)).toEqual({
      verdict: 'pass',
      reasons: [],
    });
    expect(judgeWindow({ ...bad, requests: 9 }, policy)).toEqual({
      verdict: 'inconclusive',
      reasons: ['9 canary requests, fewer than the 10 a window needs'],
    });
  });
  it('percentile of nothing is 0; one value is every percentile', () => {
    expect(percentile([], 0.99)).toBe(0);
    expect(percentile([7], 0.5)).toBe(7);
  });
  it('shows the figures as one line per version', () => {
    const v = { requests: 2, ok: 1, successRate: 0.5, p50Ms: 2, p99Ms: 30 };
    expect(figuresLines({ stable: { ...v, ok: 2, successRate: 1 }, canary: v })).toBe(
      '- **stable**: 2 requests, 100% non-5xx, p50 2ms, p99 30ms\n- **canary**: 2 requests, 50% non-5xx, p50 2ms, p99 30ms',
    );
  });
  it('adds one line per host for a fleet check, by host name: its canary figures and verdict', () => {
    const v = { requests: 2, ok: 1, successRate: 0.5, p50Ms: 2, p99Ms: 30 };
    const good = { requests: 40, ok: 40, successRate: 1, p50Ms: 3, p99Ms: 12 };
    const hosts = [
      { host: 'h2', verdict: 'fail' as const, reasons: ['success rate 50% is not >= 99%'], stable: good, canary: v },
      { host: 'h1', verdict: 'pass' as const, reasons: [], stable: v, canary: good },
    ];
    expect(figuresLines({ stable: good, canary: good, hosts })).toBe(
      [
        '- **stable**: 40 requests, 100% non-5xx, p50 3ms, p99 12ms',
        '- **canary**: 40 requests, 100% non-5xx, p50 3ms, p99 12ms',
        '',
        'The canary on each host:',
        '',
        '- **h1**: 40 requests, 100% non-5xx, p99 12ms — pass',
        '- **h2**: 2 requests, 50% non-5xx, p99 30ms — fail',
      ].join('\n'),
    );
  });
});
