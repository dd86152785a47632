import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { engineEventJobId, type EngineEvent } from '../../common/events/engine-event';
import { JobName } from '../../common/events/queues';
import { queueEngineEvents } from '../../activities/events/publish';
import { remediationStatusQuery } from '../../common/remediation/signals';
import { remediationId } from '../../common/workflow-ids';
import { restartDeskId } from '../../common/remediation/restart-desk';
import { deskHistory, deskSignalEvents } from '../../bench/lib/desk-history';
import { removeContainers, startUnderInit } from '../support/docker';
import { testQueue, waitFor, writeRules } from '../support/events';
import { tcpProxy } from '../support/tcp-proxy';
import { testClient } from '../support/temporal';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';

const ids = testIds('trig');
/** The trigger's /metrics port (the ops range 26000–26999). */
const TRIGGER_METRICS = '26410';
const queueName = `dockhand-events-${ids.suffix}`;
const optIn = { 'dockhand.autoheal': 'true', 'dockhand.test': ids.suffix };
const deskOptIn = { 'dockhand.autoheal': 'true', 'dockhand.test-desk': ids.suffix };
let client: Client;
let proxy: Awaited<ReturnType<typeof tcpProxy>>;
let workers: WorkerProcess[] = [];
const events = testQueue(queueName);
const containers: string[] = [];
const workflowIds: string[] = [];

beforeAll(async () => {
  ({ client } = await testClient(ids));
  proxy = await tcpProxy({ host: '127.0.0.1', port: 7233 });
  const rules = writeRules({
    rules: [
      {
        name: 'autoheal',
        match: { action: 'health_status', status: 'unhealthy', labels: optIn },
        workflow: 'restartUnhealthy',
        args: { maxRestarts: 1, idleMs: '2m' },
      },
      {
        name: 'desk',
        match: { action: 'health_status', status: 'unhealthy', labels: deskOptIn },
        workflow: 'restartUnhealthy',
        batch: 'host',
        args: { idleMs: '2s' },
      },
    ],
  });
  workers = [
    startWorker('orchestrator', ids),
    startWorker('host-agent', ids),
    // The trigger reaches Temporal only through the proxy, so a test can take Temporal away from it alone.
    startWorker('trigger', ids, {
      DOCKHAND_EVENTS_QUEUE: queueName,
      DOCKHAND_RULES: rules,
      TEMPORAL_ADDRESS: proxy.address,
      DOCKHAND_RETRY_CAP_MS: '4000',
      DOCKHAND_METRICS_PORT: TRIGGER_METRICS,
    }),
  ];
  await Promise.all(workers.map((w) => w.ready));
});
afterAll(async () => {
  for (const id of workflowIds)
    await client.workflow
      .getHandle(id)
      .terminate('test over')
      .catch(() => undefined);
  await removeContainers(containers);
  await Promise.all(workers.map((w) => w.stop()));
  await proxy?.close();
  await events.dispose();
});

async function healthyContainer(name: string) {
  containers.push(name);
  const c = await startUnderInit(name, 'dockhand-fixture-app:v1', optIn);
  await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 30_000, `${name} healthy`);
}

function unhealthyEvent(name: string, n: number): EngineEvent {
  return {
    source: 'synthetic',
    host: ids.hostId,
    type: 'container',
    action: 'health_status',
    status: 'unhealthy',
    id: `id-${name}`,
    name,
    labels: optIn,
    timeNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(n)),
  };
}

async function executions(workflowId: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) n++;
  return n;
}

describe('trigger worker (real Redis, real Temporal)', () => {
  it('coalesces 100 events for one container into exactly one workflow', async () => {
    const name = `dup-${ids.suffix}`;
    await healthyContainer(name);
    await queueEngineEvents(
      events.queue,
      Array.from({ length: 100 }, (_, i) => unhealthyEvent(name, i)),
    );
    const workflowId = remediationId('restart-unhealthy', ids.hostId, name);
    workflowIds.push(workflowId);
    await waitFor(
      async () => ((await events.queue.getJobCounts('completed')).completed ?? 0) >= 100,
      60_000,
      '100 jobs processed',
    );
    const status = await waitFor(
      async () => {
        const s = await client.workflow.getHandle(workflowId).query(remediationStatusQuery);
        return s.events === 100 && s.phase === 'watching' ? s : undefined;
      },
      30_000,
      'all 100 events delivered',
    );
    expect(status.restarts).toBe(0); // the container is healthy: the workflow looked, and left it alone
    expect(await waitFor(async () => (await executions(workflowId)) || undefined, 10_000, 'visible')).toBe(1);

    // The trigger's own /metrics counted them (it runs no Temporal worker: Dockhand's counters only).
    const get = async (p: string) => {
      const r = await fetch(`http://127.0.0.1:${TRIGGER_METRICS}${p}`);
      return { status: r.status, text: await r.text() };
    };
    expect(await get('/healthz')).toEqual({ status: 200, text: 'ok\n' });
    expect(await get('/readyz')).toEqual({ status: 200, text: 'ready\n' });
    const processed = await waitFor(
      async () => {
        const line = (await get('/metrics')).text
          .split('\n')
          .find(
            (l) =>
              l.startsWith('dockhand_events_processed_total{') &&
              l.includes(`kind="${JobName.engineEvent}"`) &&
              l.includes('outcome="processed"'),
          );
        const n = Number(line?.split(' ').pop());
        return n >= 100 ? n : undefined;
      },
      15_000,
      'the trigger to export 100 processed events',
    );
    expect(processed).toBeGreaterThanOrEqual(100);
  });

  it("a batched rule's signal carries more events than the trigger's concurrency (8): the worker takes a desk batch more", async () => {
    // 300 events for containers that do not exist: the desk looks at each and finds nothing to restart.
    const sent = Array.from({ length: 300 }, (_, i) => ({
      ...unhealthyEvent(`desk-${ids.suffix}-${i}`, i),
      labels: deskOptIn,
    }));
    workflowIds.push(restartDeskId(ids.hostId));
    await queueEngineEvents(events.queue, sent);
    const jobIds = sent.map(engineEventJobId);
    await waitFor(
      async () => {
        const states = await Promise.all(jobIds.map(async (id) => (await events.queue.getJob(id))?.finishedOn));
        return states.every((t) => t !== undefined);
      },
      120_000,
      '300 desk jobs processed',
    );
    // Read once the desk ended (after its 2 s idle period): a signal accepted while a workflow task runs
    // is written to the history only when that task completes.
    expect(await client.workflow.getHandle(restartDeskId(ids.hostId)).result()).toMatchObject({ restarts: 0 });
    const history = await deskHistory(client, ids.hostId);
    const signals = history.map(deskSignalEvents).filter((s) => s.length > 0);
    const carried = signals.flat().map((x) => x.container);
    expect(new Set(carried).size).toBe(300);
    // Before, a signal held at most the jobs BullMQ had active at once: the concurrency (8 here).
    expect(Math.max(...signals.map((s) => s.length))).toBeGreaterThan(8);
  });

  it('keeps events queued while Temporal is unreachable for 30 s and processes them after', async () => {
    const name = `outage-${ids.suffix}`;
    await healthyContainer(name);
    const workflowId = remediationId('restart-unhealthy', ids.hostId, name);
    workflowIds.push(workflowId);
    await proxy.cut();
    const event = unhealthyEvent(name, 0);
    await queueEngineEvents(events.queue, [event]);
    const job = await waitFor(
      async () => {
        const j = await events.queue.getJob(engineEventJobId(event));
        return j && j.attemptsMade >= 1 ? j : undefined;
      },
      60_000,
      'a failed attempt',
    );
    await new Promise((r) => setTimeout(r, 30_000));
    expect(['waiting', 'delayed', 'active']).toContain(await job.getState());
    expect(
      await client.workflow
        .getHandle(workflowId)
        .describe()
        .catch((e) => e),
    ).toBeInstanceOf(WorkflowNotFoundError);

    await proxy.restore();
    await waitFor(
      async () => (await events.queue.getJob(job.id!))?.finishedOn,
      60_000,
      'job processed after Temporal returned',
    );
    expect(await (await events.queue.getJob(job.id!))!.getState()).toBe('completed');
    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
  });

  it('refuses a bad rules file at start, naming the path of the bad value', async () => {
    const file = writeRules({
      rules: [
        {
          name: 'x',
          match: { action: 'oom', labels: { a: 'b' }, colour: 'red' },
          workflow: 'restartUnhealthy',
          args: { maxRestarts: -1 },
        },
      ],
    });
    const bad = startWorker('trigger', ids, { DOCKHAND_EVENTS_QUEUE: queueName, DOCKHAND_RULES: file });
    bad.ready.catch(() => undefined); // it is meant to exit before polling
    const exit = await new Promise<number | null>((r) => bad.child.once('exit', (code) => r(code)));
    expect(exit).toBe(1);
    expect(bad.output()).toContain(`${file}: rules.0.match: Unrecognized key: \\"colour\\"`);
    expect(bad.output()).toContain('rules.0.args.maxRestarts');
  });
});
