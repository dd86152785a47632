import http from 'node:http';
import https from 'node:https';
import { DELIVERY_ID, DeployRequest, type DeliveryStatus, type DeployJob } from '../../common/events/deploy-request';
import {
  DELIVERY_HEADERS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  sign,
  signedPayload,
  timestampProblem,
  verifySignature,
} from '../../common/events/signature';
import { logger } from '../../common/logger';
import { ServiceFileError, resolveDeploy, serviceHosts } from '../../common/service-file/resolve';
import { formatIssues } from '../../common/spec/schema-helpers';
import { serviceChangeId } from '../../common/workflow-ids';
import type { ServiceFileSource } from './service-file-source';

export interface DeployWebhookOptions {
  secret: string;
  maxBodyBytes: number;
  file: ServiceFileSource;
  enqueue(job: DeployJob): Promise<{ jobId: string; duplicate: boolean }>;
  status(deliveryId: string, services: string[]): Promise<DeliveryStatus | undefined>;
  /** How old a signed request may be (default 5 min); the delivery id dedup outlives it (24 h). */
  replayWindowMs?: number;
  /** The clock (tests inject one). */
  now?: () => number;
  /** A certificate and its key (PEM): the server speaks HTTPS; absent: plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_PATH = /^\/hooks\/deploy\/([A-Za-z0-9_.-]{1,128})$/;

/**
 * The CI endpoints, HMAC-signed with the shared secret:
 * - POST /hooks/deploy — a deploy request, signed over `<timestamp>.<delivery id>.<raw body>`.
 *   Checked in this order — size (413), delivery id (400), signature (401), timestamp within the
 *   replay window (401), body (400), then against the service file (400: unknown
 *   service, a host it does not run on, a strategy it does not declare) — and queued only when all
 *   pass (202).
 * - GET /hooks/deploy/<deliveryId> — where that request is: queued | running | succeeded | failed |
 *   rolled-back, signed over the text "GET /hooks/deploy/<deliveryId>".
 */
export function createDeployWebhook(o: DeployWebhookOptions): http.Server {
  const handler: http.RequestListener = (req, res) => {
    route(req, o)
      .then(({ status, body }) => reply(res, status, body))
      .catch((e: Error) => {
        const status = e instanceof HttpError ? e.status : 500;
        if (status === 500) logger.error({ err: e }, 'deploy webhook failed');
        else logger.warn({ status, reason: e.message }, 'deploy request refused');
        reply(
          res,
          status,
          { error: status === 500 ? 'internal error: nothing was queued' : e.message },
          status === 413,
        );
      });
  };
  // https.Server is an http.Server with TLS: callers listen and close it the same way.
  return o.tls ? https.createServer({ cert: o.tls.cert, key: o.tls.key }, handler) : http.createServer(handler);
}

async function route(req: http.IncomingMessage, o: DeployWebhookOptions): Promise<{ status: number; body: unknown }> {
  if (req.method === 'POST' && req.url === '/hooks/deploy') return { status: 202, body: await accept(req, o) };
  const m = req.method === 'GET' ? STATUS_PATH.exec(req.url ?? '') : null;
  if (m) return { status: 200, body: await status(req, o, m[1]!) };
  throw new HttpError(404, 'POST /hooks/deploy and GET /hooks/deploy/<delivery id> are the endpoints');
}

async function accept(req: http.IncomingMessage, o: DeployWebhookOptions) {
  const raw = await readCapped(req, o.maxBodyBytes);
  const deliveryId = DELIVERY_HEADERS.map((h) => header(req, h)).find(Boolean);
  if (!deliveryId || !DELIVERY_ID.test(deliveryId))
    throw new HttpError(
      400,
      `${DELIVERY_HEADERS[0]}: a delivery id (letters, digits, "_", "." and "-", up to 128) is required`,
    );
  const timestamp = header(req, TIMESTAMP_HEADER) ?? '';
  if (!verifySignature(o.secret, signedPayload(timestamp, deliveryId, raw), header(req, SIGNATURE_HEADER)))
    throw new HttpError(
      401,
      `missing or wrong ${SIGNATURE_HEADER} (sha256=<HMAC-SHA256 of "<${TIMESTAMP_HEADER}>.<delivery id>.<raw body>" with the shared secret>)`,
    );
  // Signed, so the time is the sender's: a captured request replayed after the window is refused, and
  // within it the delivery id (also signed) is deduplicated by the queue.
  const stale = timestampProblem(timestamp, (o.now ?? Date.now)(), o.replayWindowMs ?? 5 * 60_000);
  if (stale) throw new HttpError(401, stale);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body: not JSON');
  }
  const parsed = DeployRequest.safeParse(json);
  if (!parsed.success) throw new HttpError(400, formatIssues(parsed.error, 'body'));
  const request = parsed.data;
  const workflowType = checkAgainstFile(request, o.file);
  const job: DeployJob = { ...request, deliveryId, receivedAt: new Date().toISOString() };
  const { jobId, duplicate } = await o.enqueue(job);
  logger.info(
    { jobId, service: job.service, image: job.image, requestedBy: job.requestedBy, duplicate },
    'deploy request queued',
  );
  return {
    deliveryId,
    workflowId: serviceChangeId(job.service),
    workflowType,
    jobId,
    duplicate,
    status: `/hooks/deploy/${deliveryId}`,
  };
}

/** Refuses (400, naming the field) what the service file does not allow; the workflow type it will run. */
function checkAgainstFile(r: DeployRequest, source: ServiceFileSource): string {
  const loaded = source.current();
  const services = Object.keys(loaded.file.services);
  if (!services.includes(r.service))
    throw new HttpError(
      400,
      `body.service: "${r.service}" is not a service of ${loaded.path} (services: ${services.join(', ')})`,
    );
  try {
    const resolved = resolveDeploy(loaded.file, r.service, {
      ...(r.image ? { image: r.image } : {}),
      ...(r.host ? { host: r.host } : {}),
      origin: { source: 'webhook', requestedBy: r.requestedBy },
    });
    if (r.strategy && r.strategy !== resolved.strategy)
      throw new HttpError(
        400,
        `body.strategy: ${r.service} deploys ${resolved.strategy} (${loaded.path}); a request may not change that`,
      );
    return resolved.workflowType;
  } catch (e) {
    if (!(e instanceof ServiceFileError)) throw e;
    const hosts = serviceHosts(loaded.file, r.service);
    throw new HttpError(
      400,
      e.issues
        .map((i) =>
          i.path[0] === 'host'
            ? `body.host: "${r.host}" is not a host of ${r.service} (hosts: ${hosts.join(', ')})`
            : i.path[0] === 'services'
              ? `${loaded.explain(new ServiceFileError([i]))}`
              : `body.${i.path.join('.')}: ${i.message}`,
        )
        .join('; '),
    );
  }
}

async function status(req: http.IncomingMessage, o: DeployWebhookOptions, deliveryId: string) {
  const signed = `GET /hooks/deploy/${deliveryId}`;
  if (!verifySignature(o.secret, Buffer.from(signed), header(req, SIGNATURE_HEADER)))
    throw new HttpError(
      401,
      `missing or wrong ${SIGNATURE_HEADER} (sha256=<HMAC-SHA256 of "${signed}" with the shared secret>)`,
    );
  const found = await o.status(deliveryId, Object.keys(o.file.current().file.services));
  if (!found) throw new HttpError(404, `no deploy request with delivery id ${deliveryId}`);
  return found;
}

/** The signature a GET of a delivery's status carries (for tests and docs). */
export function signStatusRequest(secret: string, deliveryId: string): string {
  return sign(secret, `GET /hooks/deploy/${deliveryId}`);
}

/** Reads the body up to `max` bytes; a larger one is refused (413) without reading it all. */
function readCapped(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return reject(new HttpError(413, `body larger than ${max} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `body larger than ${max} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function reply(res: http.ServerResponse, status: number, body: unknown, close = false): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) });
  res.end(JSON.stringify(body));
}
