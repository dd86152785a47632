import { describe, expect, it } from 'vitest';
import { engineCallsOf, routeOf } from '../../../bench/lib/engine-calls';
import { parseProcStat } from '../../../bench/lib/engine-cpu';

describe('engineCallsOf', () => {
  it("reads docker-modem's debug lines, ids and names folded into {id}, other lines skipped", () => {
    const log = [
      "2026-12-03T10:00:00.000Z modem Sending: { path: '/containers/ecpu-1-green/json?', method: 'GET',",
      '{"level":30,"msg":"activity completed"}',
      "2026-12-03T10:00:00.250Z modem Sending: { path: '/containers/create?name=ecpu-1-green', method: 'POST',",
      "2026-12-03T10:00:01.000Z modem Sending: { path: '/exec/3f2a/start', method: 'POST',",
    ].join('\n');
    expect(engineCallsOf(log)).toEqual([
      { at: Date.parse('2026-12-03T10:00:00.000Z'), method: 'GET', route: '/containers/{id}/json' },
      { at: Date.parse('2026-12-03T10:00:00.250Z'), method: 'POST', route: '/containers/create' },
      { at: Date.parse('2026-12-03T10:00:01.000Z'), method: 'POST', route: '/exec/{id}/start' },
    ]);
  });

  it('keeps the listing routes as they are', () => {
    expect(routeOf('/containers/json?all=1')).toBe('/containers/json');
    expect(routeOf('/images/registry:5000%2Fapp:v2/json')).toBe('/images/{id}/json');
  });
});

describe('parseProcStat', () => {
  it('reads pid, a command with spaces and parentheses, parent, all four CPU fields and the start time', () => {
    // Fields 14–17 (utime stime cutime cstime) are 10 20 30 40; field 22 (starttime) is 5555.
    const stat = '42 (containerd-shim (x)) S 7 42 42 0 -1 4194560 100 0 0 0 10 20 30 40 20 0 11 0 5555 0 0';
    expect(parseProcStat(stat)).toEqual({ pid: 42, comm: 'containerd-shim (x)', ppid: 7, ticks: 100, startedAt: 5555 });
  });
});
