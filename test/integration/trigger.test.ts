import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { deployJobId } from '../../common/events/deploy-request';
import { engineEventJobId, type EngineEvent } from '../../common/events/engine-event';
import { EVENT_JOB_OPTIONS, JobName } from '../../common/events/queues';
import { sign } from '../../common/events/signature';
import { remediationStatusQuery } from '../../common/remediation/signals';
import { remediationId, serviceChangeId } from '../../common/workflow-ids';
import { docker } from '../support/docker';
import { freePort, testQueue, waitFor, writeRules } from '../support/events';
import { tcpProxy } from '../support/tcp-proxy';
import { testClient } from '../support/temporal';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';

const ids = testIds('trig');
const queueName = `dockhand-events-${ids.suffix}`;
const optIn = { 'dockhand.autoheal': 'true', 'dockhand.test': ids.suffix };
const SECRET = `s3cret-${ids.suffix}`;
let client: Client;
let webhookUrl: string;
let proxy: Awaited<ReturnType<typeof tcpProxy>>;
let workers: WorkerProcess[] = [];
const events = testQueue(queueName);
const containers: string[] = [];
const workflowIds: string[] = [];

beforeAll(async () => {
  ({ client } = await testClient(ids));
  proxy = await tcpProxy({ host: '127.0.0.1', port: 7233 });
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}/hooks/deploy`;
  const rules = writeRules({
    rules: [
      {
        name: 'autoheal',
        match: { action: 'health_status', status: 'unhealthy', labels: optIn },
        workflow: 'restartUnhealthy',
        args: { maxRestarts: 1, idleMs: '2m' },
      },
    ],
    webhook: { port, maxBodyBytes: 4096, secretEnv: 'TEST_WEBHOOK_SECRET' },
  });
  workers = [
    startWorker('orchestrator', ids),
    startWorker('host-agent', ids),
    // The trigger reaches Temporal only through the proxy, so a test can take Temporal away from it alone.
    startWorker('trigger', ids, {
      DOCKHAND_EVENTS_QUEUE: queueName,
      DOCKHAND_RULES: rules,
      TEMPORAL_ADDRESS: proxy.address,
      TEST_WEBHOOK_SECRET: SECRET,
      DOCKHAND_RETRY_CAP_MS: '4000',
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
  for (const name of containers)
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
  await Promise.all(workers.map((w) => w.stop()));
  await proxy?.close();
  await events.dispose();
});

async function healthyContainer(name: string) {
  containers.push(name);
  const c = await docker.createContainer({
    name,
    Image: 'dockhand-fixture-app:v1',
    Labels: optIn,
    HostConfig: { Init: true },
  });
  await c.start();
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

async function post(body: unknown, headers: Record<string, string>) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(webhookUrl, {
    method: 'POST',
    body: raw,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const signed = (body: unknown, delivery: string) => ({
  'x-hub-signature-256': sign(SECRET, JSON.stringify(body)),
  'x-dockhand-delivery': delivery,
});

describe('trigger worker (real Redis, real Temporal)', () => {
  it('coalesces 100 events for one container into exactly one workflow', async () => {
    const name = `dup-${ids.suffix}`;
    await healthyContainer(name);
    const jobs = Array.from({ length: 100 }, (_, i) => unhealthyEvent(name, i)).map((e) => ({
      name: JobName.engineEvent,
      data: e,
      opts: { jobId: engineEventJobId(e), ...EVENT_JOB_OPTIONS },
    }));
    await events.queue.addBulk(jobs);
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
  });

  it('keeps events queued while Temporal is unreachable for 30 s and processes them after', async () => {
    const name = `outage-${ids.suffix}`;
    await healthyContainer(name);
    const workflowId = remediationId('restart-unhealthy', ids.hostId, name);
    workflowIds.push(workflowId);
    await proxy.cut();
    const event = unhealthyEvent(name, 0);
    await events.queue.add(JobName.engineEvent, event, { jobId: engineEventJobId(event), ...EVENT_JOB_OPTIONS });
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

  it('starts the deploy workflow of a validly signed request and answers 202 with its id', async () => {
    const service = `api-${ids.suffix}`;
    const body = {
      service,
      image: 'dockhand-fixture-app:v2',
      strategy: 'blue-green',
      requestedBy: 'ci-bot',
      pipeline: 'https://ci.example/run/42',
    };
    const delivery = `d1-${ids.suffix}`;
    const res = await post(body, signed(body, delivery));
    expect(res).toEqual({
      status: 202,
      body: {
        workflowId: serviceChangeId(service),
        workflowType: 'blueGreenDeploy',
        jobId: deployJobId(delivery),
        duplicate: false,
      },
    });
    workflowIds.push(serviceChangeId(service));
    const handle = client.workflow.getHandle(serviceChangeId(service));
    const described = await waitFor(() => handle.describe().catch(() => undefined), 30_000, 'deploy started');
    expect(described.type).toBe('blueGreenDeploy');
    expect(described.memo).toEqual({ deliveryId: delivery });
    const started = (await handle.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!;
    expect(defaultPayloadConverter.fromPayload(started.input!.payloads![0]!)).toEqual({
      ...body,
      host: ids.hostId,
      deliveryId: delivery,
    });
  });

  it('starts one deploy for a redelivered request', async () => {
    const service = `redeliver-${ids.suffix}`;
    const body = { service, image: 'dockhand-fixture-app:v2', strategy: 'rolling', requestedBy: 'ci-bot' };
    const delivery = `d2-${ids.suffix}`;
    const first = await post(body, signed(body, delivery));
    const second = await post(body, signed(body, delivery));
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body).toMatchObject({
      workflowId: serviceChangeId(service),
      workflowType: 'rollingUpdate',
      duplicate: true,
    });
    workflowIds.push(serviceChangeId(service));
    await waitFor(
      () =>
        client.workflow
          .getHandle(serviceChangeId(service))
          .describe()
          .catch(() => undefined),
      30_000,
      'deploy started',
    );
    expect((await events.all()).filter((j) => j.id === deployJobId(delivery))).toHaveLength(1);
    expect(
      await waitFor(async () => (await executions(serviceChangeId(service))) || undefined, 10_000, 'visible'),
    ).toBe(1);
  });

  it('refuses bad, missing and oversized requests, and queues nothing', async () => {
    const before = (await events.all()).length;
    const body = {
      service: `nope-${ids.suffix}`,
      image: 'dockhand-fixture-app:v2',
      strategy: 'blue-green',
      requestedBy: 'ci-bot',
    };
    expect((await post(body, { 'x-dockhand-delivery': `d3-${ids.suffix}` })).status).toBe(401);
    expect(
      (
        await post(body, {
          'x-hub-signature-256': sign('wrong', JSON.stringify(body)),
          'x-dockhand-delivery': `d4-${ids.suffix}`,
        })
      ).status,
    ).toBe(401);
    const tampered = { ...body, image: 'evil:latest' };
    expect(
      (
        await post(tampered, {
          'x-hub-signature-256': sign(SECRET, JSON.stringify(body)),
          'x-dockhand-delivery': `d5-${ids.suffix}`,
        })
      ).status,
    ).toBe(401);
    const big = { ...body, pipeline: 'x'.repeat(5000) };
    expect((await post(big, signed(big, `d6-${ids.suffix}`))).status).toBe(413);
    const malformed = { ...body, strategy: 'yolo' };
    const bad = await post(malformed, signed(malformed, `d7-${ids.suffix}`));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('body.strategy');
    expect((await events.all()).length).toBe(before);
    expect(
      await client.workflow
        .getHandle(serviceChangeId(body.service))
        .describe()
        .catch((e) => e),
    ).toBeInstanceOf(WorkflowNotFoundError);
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
