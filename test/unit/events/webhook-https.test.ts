import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployJob } from '../../../common/events/deploy-request';
import { signDelivery } from '../../../common/events/signature';
import { startTestWebhook, WEBHOOK_SECRET } from '../../support/test-webhook';
import { makeTestCa } from '../../support/tls-certs';

// Issue 16 point 6: with a certificate configured the webhook speaks HTTPS (a CA made by the test with
// openssl); a client that does not trust it, or speaks plain HTTP, gets nothing queued. Plain HTTP
// without a certificate: test/unit/events/webhook-replay.test.ts and test/integration/ci-deploy.test.ts.
const SECRET = WEBHOOK_SECRET;
const tls = makeTestCa('localhost');
let queued: DeployJob[];
let server: http.Server;
let port: number;

beforeAll(async () => {
  ({ server, port, queued } = await startTestWebhook({
    tls: { cert: readFileSync(tls.server.cert), key: readFileSync(tls.server.key) },
  }));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const body = JSON.stringify({ service: 'web', image: 'app:v2', requestedBy: 'ci' });
function headers(delivery: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    'x-dockhand-delivery': delivery,
    'x-dockhand-timestamp': ts,
    'x-hub-signature-256': signDelivery(SECRET, ts, delivery, body),
  };
}
function post(
  client: typeof http | typeof https,
  delivery: string,
  ca?: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        path: '/hooks/deploy',
        method: 'POST',
        headers: headers(delivery),
        ...(ca ? { ca } : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('deploy webhook over HTTPS (webhook.tls)', () => {
  it('a signed request over HTTPS to a client that trusts the CA is queued', async () => {
    const res = await post(https, 'tls-1', readFileSync(tls.ca));
    expect(res.status).toBe(202);
    expect(JSON.parse(res.body)).toMatchObject({ duplicate: false });
    expect(queued.map((j) => j.deliveryId)).toEqual(['tls-1']);
  });

  it('a client that does not trust the certificate, or speaks plain HTTP, queues nothing', async () => {
    await expect(post(https, 'tls-2')).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await expect(post(http, 'tls-3')).rejects.toThrow();
    expect(queued.map((j) => j.deliveryId)).toEqual(['tls-1']);
  });
});
