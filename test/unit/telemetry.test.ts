import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthServer } from '../../workers/lib/telemetry';

// The worker's public endpoint against a stand-in for the SDK's exporter (a real local HTTP server).
let exporter: Server;
let endpoint: Server;
let base = '';
let ready = false;
const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  exporter = createServer((req, res) =>
    res.end(`# TYPE dockhand_changes_total counter\ndockhand_changes_total{type="x"} 1\n`),
  );
  const sdk = await listen(exporter);
  endpoint = healthServer(`${sdk}/metrics`, () => ready);
  base = await listen(endpoint);
});
afterAll(() => {
  exporter?.close();
  endpoint?.close();
});

describe('a worker’s /metrics, /healthz and /readyz', () => {
  it('passes the exporter’s Prometheus text through at /metrics', async () => {
    const r = await fetch(`${base}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await r.text()).toContain('dockhand_changes_total{type="x"} 1');
  });
  it('/healthz answers while the process runs; /readyz only once the worker polls', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
  it('says when the exporter does not answer', async () => {
    const dead = healthServer('http://127.0.0.1:1/metrics', () => true);
    const url = await listen(dead);
    try {
      const r = await fetch(`${url}/metrics`);
      expect(r.status).toBe(502);
      expect(await r.text()).toMatch(/^metrics exporter: /);
    } finally {
      dead.close();
    }
  });
});
