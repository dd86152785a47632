import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { PullImageRequest } from '../common/pull-image';
import { startPresentation } from './presentation';

/** Starts `pullImage`: every host pulls one image from its registry, the digest the first host resolved
 * pinned for the others (the first step of a change across hosts). */
export function startPullImage(
  client: Client,
  taskQueue: string,
  request: PullImageRequest,
  workflowId = `pull-image/${randomUUID()}`,
): Promise<WorkflowHandle> {
  return client.workflow.start('pullImage', {
    taskQueue,
    workflowId,
    args: [request],
    ...startPresentation({
      workflowType: 'pullImage',
      summary: `pull ${request.image} on ${request.hosts.join(', ')}`,
      what: 'every host pulls the image from its registry; the digest the first host resolved is pinned, so every host runs the same bytes',
      facts: { image: request.image, hosts: request.hosts.join(', ') },
      image: request.image,
    }),
  });
}
