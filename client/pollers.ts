import type { Client } from '@temporalio/client';

/**
 * Waits until each task queue has a poller of its kind (workflow tasks for the orchestrator,
 * activity tasks for a host agent): freshly spawned workers take 10–30 s to bundle and connect, and a
 * short read such as `serviceStatus` would time out against a queue nobody polls yet.
 */
export async function waitForPollers(
  client: Client,
  namespace: string,
  queues: Array<{ name: string; kind: 'workflow' | 'activity' }>,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const q of queues) {
    // temporal.api.enums.v1.TaskQueueType: 1 workflow, 2 activity (@temporalio/proto is not a dependency).
    const taskQueueType = q.kind === 'workflow' ? 1 : 2;
    for (;;) {
      const res = await client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: q.name },
        taskQueueType,
      });
      if ((res.pollers ?? []).length > 0) break;
      if (Date.now() > deadline) throw new Error(`no worker polls task queue ${q.name} after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
