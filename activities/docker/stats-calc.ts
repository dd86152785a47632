import type { StatsSnapshot } from '../../common/docker-activities';

/** The parts of the Engine's stats JSON the CLI reads (cgroup v1 and v2). */
export interface EngineStats {
  cpu_stats: {
    cpu_usage: { total_usage: number; percpu_usage?: number[] };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  pids_stats?: { current?: number };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** One stats sample to the figures `docker stats` prints, with the CLI's formulas: CPU % from the
 * deltas against the previous sample scaled by online CPUs; memory without the page cache. Pure. */
export function toStatsSnapshot(s: EngineStats): StatsSnapshot {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const onlineCpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;

  const usage = s.memory_stats.usage ?? 0;
  const st = s.memory_stats.stats ?? {};
  // cgroup v1 reports total_inactive_file, v2 inactive_file; the CLI subtracts whichever exists.
  const cache = st.total_inactive_file ?? st.inactive_file ?? 0;
  const memoryUsageBytes = cache < usage ? usage - cache : usage;
  const memoryLimitBytes = s.memory_stats.limit ?? 0;

  let networkRxBytes = 0;
  let networkTxBytes = 0;
  for (const n of Object.values(s.networks ?? {})) {
    networkRxBytes += n.rx_bytes;
    networkTxBytes += n.tx_bytes;
  }
  let blockReadBytes = 0;
  let blockWriteBytes = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === 'read') blockReadBytes += e.value;
    if (op === 'write') blockWriteBytes += e.value;
  }
  return {
    cpuPercent: round2(cpuPercent),
    memoryUsageBytes,
    memoryLimitBytes,
    memoryPercent: memoryLimitBytes > 0 ? round2((memoryUsageBytes / memoryLimitBytes) * 100) : 0,
    networkRxBytes,
    networkTxBytes,
    blockReadBytes,
    blockWriteBytes,
    pids: s.pids_stats?.current ?? 0,
  };
}
