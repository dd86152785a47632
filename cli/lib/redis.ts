import type { Redis, RedisOptions } from 'ioredis';
import { newRedis, redisProblem, shown } from '../../client/redis-connection';
import { CliError } from './exit-codes';

/** How long the CLI waits for Redis before saying it is down (a bounded connect, never a hang). */
const REDIS_CONNECT_TIMEOUT_MS = 3000;

/**
 * A Redis connection for a CLI command, connected before it is returned: when Redis does not
 * answer, one CliError says which Redis and where (no ioredis stack traces, no retry loop).
 * `blocking` is for BullMQ's QueueEvents, which needs `maxRetriesPerRequest: null`.
 */
export async function connectRedis(url: string, o: { blocking?: boolean } = {}): Promise<Redis> {
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: o.blocking ? null : 1,
    // No reconnection loop: a CLI command that loses Redis ends with one line instead.
    retryStrategy: () => null,
  };
  const redis = newRedis(url, options);
  let lastError: Error | undefined;
  redis.on('error', (e: Error) => (lastError = e));
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw redisDown(url, lastError ?? (e as Error));
  }
  return redis;
}

/** "cannot reach Redis at redis://127.0.0.1:6379 (ECONNREFUSED); …" */
export function redisDown(url: string, e: Error): CliError {
  const why = redisProblem(e, url);
  return new CliError(
    `cannot reach Redis at ${shown(url)} (${why}); start the stack with "npm run stack -- up" or set REDIS_URL`,
  );
}
