import type Docker from 'dockerode';
import { toStatsSnapshot, type EngineStats } from '../../activities/docker/stats-calc';
import { logger } from '../../common/logger';
import { AUTOSCALE_LABEL, memoryPressureEvent } from '../../common/remediation/memory-sample';
import type { EngineEvent } from '../../common/events/engine-event';

export interface MemorySamplerOptions {
  /** Time between samples (DOCKHAND_MEMORY_SAMPLE_MS, default 15 s; 0 turns sampling off). */
  intervalMs: number;
  /** Usage at or above this % of the limit is memory pressure (DOCKHAND_MEMORY_THRESHOLD_PCT, default 90). */
  thresholdPct: number;
}

/**
 * The seed's resource manager loop, as events: every interval, reads one stats sample of each running
 * container that opted in (label dockhand.autoscale=true) and publishes a memory_pressure event for
 * each one at or above the threshold of its limit (memory without the page cache, as `docker stats`
 * counts it). The event's job id is per container and limit, so one limit is reported once.
 */
export class MemorySampler {
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;

  constructor(
    private readonly docker: Docker,
    private readonly hostId: string,
    private readonly o: MemorySamplerOptions,
    private readonly publish: (e: EngineEvent) => Promise<void>,
  ) {}

  async run(): Promise<void> {
    while (!this.stopped) {
      await this.sampleOnce().catch((err: Error) => {
        if (!this.stopped)
          logger.warn({ err: err.message, host: this.hostId }, 'memory sampling failed; trying again next interval');
      });
      if (this.stopped) break;
      await new Promise<void>((r) => {
        this.wake = r;
        this.timer = setTimeout(r, this.o.intervalMs);
      });
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.(); // ends the wait between samples at once
  }

  /** One round over the opted-in containers; returns the events published. */
  async sampleOnce(): Promise<EngineEvent[]> {
    const list = await this.docker.listContainers({
      filters: { label: [`${AUTOSCALE_LABEL}=true`], status: ['running'] },
    });
    const published: EngineEvent[] = [];
    for (const c of list) {
      // one-shot: a single sample, without the engine's second read a second later.
      const stats = (await this.docker
        .getContainer(c.Id)
        .stats({ stream: false, 'one-shot': true } as { stream: false })
        .catch(() => undefined)) as unknown as EngineStats | undefined;
      if (!stats?.memory_stats) continue;
      const s = toStatsSnapshot({
        ...stats,
        cpu_stats: stats.cpu_stats ?? { cpu_usage: { total_usage: 0 } },
        precpu_stats: stats.precpu_stats ?? { cpu_usage: { total_usage: 0 } },
      });
      const event = memoryPressureEvent(
        this.hostId,
        { id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), labels: c.Labels },
        { usageBytes: s.memoryUsageBytes, limitBytes: s.memoryLimitBytes },
        this.o.thresholdPct,
        Date.now(),
      );
      if (!event) continue;
      await this.publish(event);
      published.push(event);
    }
    return published;
  }
}
