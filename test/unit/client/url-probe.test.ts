import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeUrl } from '../../../client/url-probe';

/** The demo's probe of its URL. The edge is nginx: every switch reloads it, and a reload closes idle
 * keep-alive connections, so a probe that reuses one counted the client's race as the service's failure
 * ("other side closed" in the demo test). Each request must come on a connection of its own. */
let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(handler: http.RequestListener): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/version`,
    connections: () => connections,
  };
}

describe('probeUrl', () => {
  it('sends each request on a fresh connection, though the server would keep it alive', async () => {
    const { url, connections } = await serve((_req, res) => res.end('v1\n'));
    const answers: string[] = [];
    const probe = probeUrl(url, (a) => answers.push(a), 20);
    await new Promise((r) => setTimeout(r, 300));
    const counts = await probe.stop();
    expect(counts.requests).toBeGreaterThan(3);
    expect(counts.failed).toBe(0);
    expect(connections()).toBe(counts.requests);
    expect(answers).toEqual(['v1']);
  });

  it('counts an answer other than 2xx, and no answer, as failed, each with when and why', async () => {
    let n = 0;
    const { url } = await serve((req, res) => {
      n++;
      if (n === 2) return void res.writeHead(503).end('draining');
      if (n === 3) return void req.socket.destroy();
      res.end(n < 4 ? 'v1' : 'v2');
    });
    const answers: string[] = [];
    const probe = probeUrl(url, (a) => answers.push(a), 10);
    while (n < 5) await new Promise((r) => setTimeout(r, 10));
    const counts = await probe.stop();
    expect(counts.failed).toBe(2);
    expect(counts.failures).toHaveLength(2);
    expect(counts.failures[0]).toMatch(/^\+\d+\.\ds: HTTP 503$/);
    expect(counts.failures[1]).toMatch(/^\+\d+\.\ds: socket hang up$/);
    expect(answers).toEqual(['v1', 'v2']);
  });
});
