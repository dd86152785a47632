import http from 'node:http';
import type { Queue } from 'bullmq';
import {
  DELIVERY_ID,
  DEPLOY_WORKFLOW_TYPES,
  DeployRequest,
  deployJobId,
  type DeployJob,
} from '../../common/events/deploy-request';
import { EVENT_JOB_OPTIONS, JobName } from '../../common/events/queues';
import { DELIVERY_HEADERS, SIGNATURE_HEADER, verifySignature } from '../../common/events/signature';
import { formatIssues } from '../../common/spec/schema-helpers';
import { serviceChangeId } from '../../common/workflow-ids';
import { logger } from '../../common/logger';
import type { EventJobData } from './redis';

export interface DeployWebhookOptions {
  secret: string;
  maxBodyBytes: number;
  defaultHost: string;
  queue: Queue<EventJobData>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** POST /hooks/deploy: a CI deploy request, HMAC-signed over the raw body. Checked in this order —
 * size (413), signature (401), delivery id and body (400) — and queued only when all pass; the answer
 * (202) carries the workflow id the request will run under. */
export function createDeployWebhook(o: DeployWebhookOptions): http.Server {
  return http.createServer((req, res) => {
    handle(req, o)
      .then((body) => reply(res, 202, body))
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
  });
}

async function handle(req: http.IncomingMessage, o: DeployWebhookOptions) {
  if (req.method !== 'POST' || req.url !== '/hooks/deploy')
    throw new HttpError(404, 'POST /hooks/deploy is the only endpoint');
  const raw = await readCapped(req, o.maxBodyBytes);
  if (!verifySignature(o.secret, raw, header(req, SIGNATURE_HEADER)))
    throw new HttpError(
      401,
      `missing or wrong ${SIGNATURE_HEADER} (sha256=<HMAC-SHA256 of the raw body with the shared secret>)`,
    );
  const deliveryId = DELIVERY_HEADERS.map((h) => header(req, h)).find(Boolean);
  if (!deliveryId || !DELIVERY_ID.test(deliveryId))
    throw new HttpError(
      400,
      `${DELIVERY_HEADERS[0]}: a delivery id (letters, digits, "_", "." and "-", up to 128) is required`,
    );
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body: not JSON');
  }
  const parsed = DeployRequest.safeParse(json);
  if (!parsed.success) throw new HttpError(400, formatIssues(parsed.error, 'body'));
  const job: DeployJob = { ...parsed.data, host: parsed.data.host ?? o.defaultHost, deliveryId };
  const jobId = deployJobId(deliveryId);
  const duplicate = (await o.queue.getJob(jobId)) !== undefined;
  await o.queue.add(JobName.deployRequest, job, { jobId, ...EVENT_JOB_OPTIONS });
  logger.info(
    { jobId, service: job.service, strategy: job.strategy, requestedBy: job.requestedBy, duplicate },
    'deploy request queued',
  );
  return {
    workflowId: serviceChangeId(job.service),
    workflowType: DEPLOY_WORKFLOW_TYPES[job.strategy],
    jobId,
    duplicate,
  };
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
