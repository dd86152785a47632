import http from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';

/** The largest request body the codec server reads (the UI sends a page of payloads; Temporal's own
 * limit for one payload is 2 MB). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/**
 * The codec server the Temporal Web UI (and `temporal … --codec-endpoint`) calls to show encrypted
 * payloads: `POST /encode` and `POST /decode` with `{"payloads": [{"metadata": {k: base64}, "data":
 * base64}]}`, answered in the same shape. CORS lets the UI's origins call it from the browser (the UI
 * sends `x-namespace` and `content-type`, and `authorization` when it passes the user's token).
 * Whoever can reach it can decrypt: bind it where only those allowed to read history can reach it.
 */
export function createCodecServer(codec: PayloadCodec, o: { origins: string[] }): http.Server {
  const origins = new Set(o.origins.map((u) => new URL(u).origin));
  return http.createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') return end(res, 204);
    const route = req.url?.split('?')[0]?.replace(/\/+$/, '');
    if (route !== '/encode' && route !== '/decode') return end(res, 404, { error: 'POST /encode or /decode' });
    if (req.method !== 'POST') return end(res, 405, { error: `${route} takes POST` });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        end(res, 413, { error: `body over ${MAX_BODY_BYTES} bytes` });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      let payloads: Payload[];
      try {
        payloads = parseBody(Buffer.concat(chunks).toString());
      } catch (e) {
        return end(res, 400, { error: (e as Error).message });
      }
      (route === '/encode' ? codec.encode(payloads) : codec.decode(payloads)).then(
        (out) => end(res, 200, { payloads: out.map(toJson) }),
        (e: Error) => end(res, 400, { error: e.message }),
      );
    });
  });
}

function end(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) return void res.writeHead(status).end();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** `{payloads: [...]}` from JSON, each field checked: a bad body is refused, naming what is wrong. */
function parseBody(text: string): Payload[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error('body is not JSON');
  }
  const list = (body as { payloads?: unknown })?.payloads;
  if (!Array.isArray(list)) throw new Error('body has no "payloads" array');
  return list.map((p: JsonPayload, i) => {
    if (typeof p !== 'object' || p === null) throw new Error(`payloads.${i} is not an object`);
    const metadata: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(p.metadata ?? {})) {
      if (typeof v !== 'string') throw new Error(`payloads.${i}.metadata.${k} is not a base64 string`);
      metadata[k] = new Uint8Array(Buffer.from(v, 'base64'));
    }
    if (p.data !== undefined && typeof p.data !== 'string')
      throw new Error(`payloads.${i}.data is not a base64 string`);
    return { metadata, data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')) };
  });
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}
