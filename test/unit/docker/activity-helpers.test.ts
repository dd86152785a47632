import { describe, expect, it } from 'vitest';
import { exitCodeMeaning } from '../../../common/exit-codes';
import { toStatsSnapshot } from '../../../activities/docker/stats-calc';
import { Demuxer, TailBuffer } from '../../../activities/docker/output-buffer';
import { toUnixSeconds } from '../../../activities/docker/log-times';

describe('exit code meanings', () => {
  it('explains the well-known codes and signals, nothing else', () => {
    expect(exitCodeMeaning(0)).toBe('exited normally');
    expect(exitCodeMeaning(125)).toContain('failed to run');
    expect(exitCodeMeaning(126)).toContain('could not be invoked');
    expect(exitCodeMeaning(127)).toBe('the command was not found');
    expect(exitCodeMeaning(137)).toContain('SIGKILL');
    expect(exitCodeMeaning(143)).toContain('SIGTERM');
    expect(exitCodeMeaning(138)).toBe('killed by signal 10');
    expect(exitCodeMeaning(1)).toBeUndefined();
    expect(exitCodeMeaning(42)).toBeUndefined();
  });
});

describe('stats like docker stats', () => {
  it('computes CPU % from deltas and memory without the page cache (cgroup v1)', () => {
    expect(
      toStatsSnapshot({
        cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
        precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
        memory_stats: { usage: 50 * 1024 ** 2, limit: 100 * 1024 ** 2, stats: { total_inactive_file: 10 * 1024 ** 2 } },
        networks: { eth0: { rx_bytes: 100, tx_bytes: 50 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
        blkio_stats: {
          io_service_bytes_recursive: [
            { op: 'Read', value: 4096 },
            { op: 'Write', value: 8192 },
            { op: 'Total', value: 12288 },
          ],
        },
        pids_stats: { current: 3 },
      }),
    ).toEqual({
      cpuPercent: 20,
      memoryUsageBytes: 40 * 1024 ** 2,
      memoryLimitBytes: 100 * 1024 ** 2,
      memoryPercent: 40,
      networkRxBytes: 101,
      networkTxBytes: 52,
      blockReadBytes: 4096,
      blockWriteBytes: 8192,
      pids: 3,
    });
  });
  it('reads cgroup v2 (inactive_file, lower-case ops) and a first sample without a previous one', () => {
    const s = toStatsSnapshot({
      cpu_stats: { cpu_usage: { total_usage: 5, percpu_usage: [1, 2, 3, 4] }, system_cpu_usage: 10 },
      precpu_stats: { cpu_usage: { total_usage: 0 } },
      memory_stats: { usage: 1000, limit: 0, stats: { inactive_file: 200 } },
      blkio_stats: { io_service_bytes_recursive: null },
    });
    expect(s).toMatchObject({ cpuPercent: 200, memoryUsageBytes: 800, memoryPercent: 0, blockReadBytes: 0, pids: 0 });
  });
});

describe('output buffers', () => {
  it('keeps the newest bytes and says when it dropped some', () => {
    const b = new TailBuffer(5);
    b.push(Buffer.from('abc'));
    b.push(Buffer.from('defg'));
    expect(b.text()).toBe('cdefg');
    expect(b.truncated).toBe(true);
  });
  it('demultiplexes frames split across chunks', () => {
    const frame = (type: number, text: string) =>
      Buffer.concat([Buffer.from([type, 0, 0, 0, 0, 0, 0, text.length]), Buffer.from(text)]);
    const all = Buffer.concat([frame(1, 'out'), frame(2, 'err'), frame(1, '!')]);
    const seen: string[] = [];
    const d = new Demuxer((s, p) => seen.push(`${s}:${p.toString()}`));
    for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
    expect(seen).toEqual(['stdout:out', 'stderr:err', 'stdout:!']);
  });
});

describe('log time bounds', () => {
  it('reads unix seconds, ISO times and durations back from now', () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    expect(toUnixSeconds(1700000000, now)).toBe(1700000000);
    expect(toUnixSeconds('2026-01-01T00:00:00Z', now)).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
    expect(toUnixSeconds('10m', now)).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
    expect(() => toUnixSeconds('yesterday', now)).toThrow('is not a duration');
  });
});
