import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeployJob } from '../../common/events/deploy-request';
import { createDeployWebhook, type DeployWebhookOptions } from '../../workers/lib/deploy-webhook';
import { ServiceFileSource } from '../../workers/lib/service-file-source';
import { writeServiceFile } from './service-file';

/** The secret every test webhook checks signatures with. */
export const WEBHOOK_SECRET = 'test-secret';

/**
 * The deploy webhook on a free local port, for a service file with `web` (app:v1) on h1, its jobs queued
 * in memory (a second delivery with the same id is a duplicate, as in BullMQ; what BullMQ really does
 * is test/integration/ci-deploy.test.ts). `extra` sets TLS, the clock and the like.
 */
export async function startTestWebhook(
  extra: Partial<DeployWebhookOptions> = {},
): Promise<{ server: http.Server; port: number; queued: DeployJob[] }> {
  const queued: DeployJob[] = [];
  const file = writeServiceFile({ hosts: { h1: null }, services: { web: { image: 'app:v1' } } });
  const server = createDeployWebhook({
    secret: WEBHOOK_SECRET,
    maxBodyBytes: 64 * 1024,
    file: new ServiceFileSource(file),
    enqueue: async (job) => {
      const duplicate = queued.some((j) => j.deliveryId === job.deliveryId);
      if (!duplicate) queued.push(job);
      return { jobId: job.deliveryId, duplicate };
    },
    status: async () => undefined,
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, queued };
}
