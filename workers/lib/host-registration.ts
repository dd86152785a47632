import type { Redis } from 'ioredis';
import { newRedis } from '../../client/redis-connection';
import { hostRegistryKey, REGISTRY_IDLE_EXPIRY_MS, type HostRecord } from '../../common/hosts/host-registry';
import { logger } from '../../common/logger';

/**
 * Keeps this host agent in the host registry: writes its record now and every `heartbeatMs`. A
 * failed write (Redis away) is logged and tried again at the next beat — the agent keeps serving
 * its queue; scans meanwhile see it as down, which is what they can know. Stopping leaves the record
 * (a stopped agent is a known host that is down).
 */
export class HostRegistration {
  private readonly redis: Redis;
  private readonly startedAt = new Date().toISOString();
  private timer?: NodeJS.Timeout;
  private failing = false;

  constructor(
    redisUrl: string,
    private readonly registry: string,
    private readonly hostId: string,
    private readonly heartbeatMs: number,
  ) {
    // One retry per write: a beat that cannot be written is simply late, the next one follows.
    this.redis = newRedis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', () => undefined); // reported by beat() once per outage
  }

  /** Writes the first heartbeat (waits for it, so a scan started right after sees this host). */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  private async beat(): Promise<void> {
    const record: HostRecord = {
      hostId: this.hostId,
      lastSeen: new Date().toISOString(),
      startedAt: this.startedAt,
      heartbeatMs: this.heartbeatMs,
    };
    try {
      const key = hostRegistryKey(this.registry);
      const replies = await this.redis
        .multi()
        .hset(key, this.hostId, JSON.stringify(record))
        .pexpire(key, REGISTRY_IDLE_EXPIRY_MS)
        .exec();
      const failed = replies?.find(([err]) => err);
      if (!replies || failed) throw failed?.[0] ?? new Error('transaction aborted');
      if (this.failing) logger.info({ hostId: this.hostId }, 'host registry: heartbeat written again');
      this.failing = false;
    } catch (err) {
      if (!this.failing)
        logger.warn(
          { err: (err as Error).message, hostId: this.hostId },
          'host registry: heartbeat not written (Redis unreachable); retrying each beat',
        );
      this.failing = true;
    }
  }
}
