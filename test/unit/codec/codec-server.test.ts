import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmCodec } from '../../../common/codec/aes-gcm-codec';
import { parseKeyring } from '../../../common/codec/keyring';
import { createCodecServer } from '../../../client/codec-server';

const UI = 'http://127.0.0.1:8233';
const codec = new AesGcmCodec(parseKeyring(`k1=${randomBytes(32).toString('base64')}`, 't'));
const server = createCodecServer(codec, { origins: [UI] });
let url = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const asJson = (p: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
  ),
  data: Buffer.from(p.data!).toString('base64'),
});

describe('the codec server', () => {
  it('decodes what the codec encoded, in the JSON shape the Temporal UI sends', async () => {
    const plain = defaultPayloadConverter.toPayload({ secret: 's3cr3t' })!;
    const [enc] = await codec.encode([plain]);
    const res = await fetch(`${url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI },
      body: JSON.stringify({ payloads: [asJson(enc!)] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(await res.json()).toEqual({ payloads: [asJson(plain)] });
  });

  it('encodes, so the UI can send encrypted signal and update input', async () => {
    const plain = defaultPayloadConverter.toPayload({ comment: 'ok' })!;
    const res = await fetch(`${url}/encode`, { method: 'POST', body: JSON.stringify({ payloads: [asJson(plain)] }) });
    const body = (await res.json()) as { payloads: Array<ReturnType<typeof asJson>> };
    expect(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
  });

  it("answers the UI's CORS preflight for its origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, x-namespace, authorization');
    expect(ok.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a bad body, naming what is wrong', async () => {
    const post = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', body });
    expect(await (await post('/decode', 'nope')).json()).toEqual({ error: 'body is not JSON' });
    expect(await (await post('/decode', '{}')).json()).toEqual({ error: 'body has no "payloads" array' });
    expect(await (await post('/decode', '{"payloads":[{"data":1}]}')).json()).toEqual({
      error: 'payloads.0.data is not a base64 string',
    });
    expect((await post('/other', '{}')).status).toBe(404);
    expect((await fetch(`${url}/decode`)).status).toBe(405);
  });
});
