import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployJob } from '../../../common/events/deploy-request';
import { sign, signDelivery, timestampProblem } from '../../../common/events/signature';
import { startTestWebhook, WEBHOOK_SECRET } from '../../support/test-webhook';

// The webhook's replay protection over real HTTP, with the clock injected: the queue is an in-memory
// list (what BullMQ does with a queued job is proven by test/integration/ci-deploy.test.ts).
const SECRET = WEBHOOK_SECRET;
let clock = Date.parse('2026-12-02T07:00:00Z');
let queued: DeployJob[];
let server: http.Server;
let url: string;

beforeAll(async () => {
  let port: number;
  ({ server, port, queued } = await startTestWebhook({ now: () => clock }));
  url = `http://127.0.0.1:${port}/hooks/deploy`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const body = JSON.stringify({ service: 'web', image: 'app:v2', requestedBy: 'ci' });
const signed = (delivery: string, atMs = clock) => {
  const ts = String(Math.floor(atMs / 1000));
  return {
    'content-type': 'application/json',
    'x-dockhand-delivery': delivery,
    'x-dockhand-timestamp': ts,
    'x-hub-signature-256': signDelivery(SECRET, ts, delivery, body),
  };
};
const post = async (headers: Record<string, string>, raw = body) => {
  const res = await fetch(url, { method: 'POST', body: raw, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('deploy webhook: replay protection (review M1)', () => {
  it('a replayed request (same body, headers and signature) 6 minutes later is refused; a fresh one works', async () => {
    const headers = signed('d-1');
    expect(await post(headers)).toMatchObject({ status: 202, body: { duplicate: false } });
    clock += 6 * 60_000;
    expect(await post(headers)).toEqual({
      status: 401,
      body: { error: 'x-dockhand-timestamp: signed 360s ago, older than 300s: refused as a replay' },
    });
    expect(await post(signed('d-2'))).toMatchObject({ status: 202, body: { duplicate: false } });
    expect(queued.map((j) => j.deliveryId)).toEqual(['d-1', 'd-2']);
  });

  it('the delivery id and the timestamp are signed: changing either on a captured request fails the signature', async () => {
    const headers = signed('d-3');
    expect((await post({ ...headers, 'x-dockhand-delivery': 'd-3-again' })).status).toBe(401);
    expect((await post({ ...headers, 'x-dockhand-timestamp': String(Math.floor(clock / 1000) + 1) })).status).toBe(401);
    // The old scheme (HMAC over the body only) is refused.
    const bodyOnly = { 'x-dockhand-delivery': 'd-4', 'x-hub-signature-256': sign(SECRET, body) };
    expect(await post(bodyOnly)).toMatchObject({ status: 401, body: { error: /x-hub-signature-256/ } });
    expect(queued.map((j) => j.deliveryId)).not.toContain('d-3-again');
  });

  it('timestampProblem: missing, future and stale times', () => {
    const now = 1_000_000_000_000;
    expect(timestampProblem(undefined, now, 300_000)).toBe('x-dockhand-timestamp: Unix time in seconds is required');
    expect(timestampProblem('12abc', now, 300_000)).toBe('x-dockhand-timestamp: Unix time in seconds is required');
    expect(timestampProblem(String(now / 1000 - 299), now, 300_000)).toBeUndefined();
    expect(timestampProblem(String(now / 1000 + 400), now, 300_000)).toBe(
      "x-dockhand-timestamp: 400s in the future: check the sender's clock",
    );
  });
});
