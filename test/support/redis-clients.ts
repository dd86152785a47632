import Redis from 'ioredis';

/** ioredis clients on the test Redis (REDIS_URL), each opened by `connect` and all closed by `disconnectAll`:
 * BullMQ leaves a connection it is handed open. */
export function redisClients(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  const clients: Redis[] = [];
  return {
    connect: () => {
      const c = new Redis(redisUrl, { maxRetriesPerRequest: null });
      clients.push(c);
      return c;
    },
    disconnectAll: () => clients.forEach((c) => c.disconnect()),
  };
}
