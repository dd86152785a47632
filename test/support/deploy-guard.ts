import type { Client } from '@temporalio/client';
import type { EngineEvent } from '../../common/events/engine-event';
import { docker } from './docker';
import { testQueue, waitFor, webhookReceiver, writeRules } from './events';
import { testClient } from './temporal';
import { startWorker, testIds, type WorkerProcess } from './workers';

/** A deploy-guard test stack: orchestrator (notifier → a local receiver), a host agent publishing
 * engine events to the file's own queue, and a trigger with one deployGuard rule per service. */
export async function guardStack(
  prefix: string,
  guards: Array<{ service: string; windowMs: string; approval: Record<string, unknown> }>,
) {
  const ids = testIds(prefix);
  const queueName = `dockhand-events-${ids.suffix}`;
  const events = testQueue(queueName);
  const { client, config } = await testClient(ids);
  const notifications = await webhookReceiver();
  const rules = guards.map((g, i) => ({
    name: `guard-${i}`,
    match: { action: 'health_status', status: 'unhealthy', labels: { 'dockhand.managed': 'true' }, service: g.service },
    workflow: 'deployGuard',
    args: { windowMs: g.windowMs, approval: g.approval },
  }));
  const env = { DOCKHAND_EVENTS_QUEUE: queueName };
  const workers: WorkerProcess[] = [
    startWorker('orchestrator', ids, { ...env, DOCKHAND_NOTIFY_WEBHOOK_URL: notifications.url }),
    startWorker('host-agent', ids, { ...env, DOCKHAND_EVENTS_PUBLISH: '1' }),
    startWorker('trigger', ids, { ...env, DOCKHAND_RULES: writeRules({ rules }) }),
  ];
  await Promise.all(workers.map((w) => w.ready));
  return {
    ids,
    client,
    config,
    events,
    notifications,
    workers,
    /** The queued unhealthy event of a container, once the trigger has processed it. */
    processedUnhealthy: (name: string, timeoutMs = 60_000) =>
      waitFor(
        async () =>
          (await events.all()).find((j) => {
            const e = j.data as EngineEvent;
            return (
              e.name === name &&
              e.action === 'health_status' &&
              e.status === 'unhealthy' &&
              j.finishedOn !== undefined &&
              j.returnvalue
            );
          }),
        timeoutMs,
        `unhealthy event of ${name} processed`,
      ),
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await notifications.close();
      await events.dispose();
    },
  };
}

/** Makes a fixture app container unhealthy: its health check GETs /health, which this removes. */
export async function breakHealth(name: string): Promise<void> {
  const exec = await docker.getContainer(name).exec({ Cmd: ['/bin/busybox', 'rm', '-f', '/www/health'] });
  await exec.start({});
}

/** Runs of deploy/<service> of one workflow type. */
export async function runsOf(client: Client, workflowId: string, type: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query: `WorkflowId = "${workflowId}" AND WorkflowType = "${type}"` }))
    n++;
  return n;
}
