import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { newRedis } from '../../client/redis-connection';
import type { EngineEvent } from '../../common/events/engine-event';

export type EventJobData = EngineEvent;

/** An ioredis connection from REDIS_URL. BullMQ needs maxRetriesPerRequest null: a command waits for
 * Redis to come back instead of failing after a few reconnects. */
export function connectRedis(url: string): Redis {
  return newRedis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** The events queue (producer side). */
export function eventsQueue(name: string, connection: Redis): Queue<EventJobData> {
  return new Queue<EventJobData>(name, { connection });
}
