import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { EventJobData } from '../../workers/lib/redis';
export { waitFor } from './wait';

/** A rules file in a fresh temp dir; returns its path. */
export function writeRules(config: unknown, name = 'rules.json'): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'dockhand-rules-')), name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

/** A local HTTP server standing in for a notification webhook: records every JSON body. */
export async function webhookReceiver() {
  const received: Array<Record<string, unknown>> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A queue handle on a test's own events queue, for reading what was published. */
export function testQueue(name: string, redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<EventJobData>(name, { connection });
  return {
    queue,
    connection,
    /** Every job of the queue, in any state. */
    all: () =>
      queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children']),
    /** Closes the connection, keeping the queue. */
    close: async () => {
      await queue.close().catch(() => undefined);
      connection.disconnect();
    },
    /** Removes the queue's keys and closes. */
    dispose: async () => {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      connection.disconnect();
    },
  };
}

export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
