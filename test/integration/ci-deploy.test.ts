import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryStatus } from '../../common/events/deploy-request';
import { signDelivery } from '../../common/events/signature';
import { resolveDeploy } from '../../common/service-file/resolve';
import { approveSignal } from '../../common/signals';
import { deployEnd, startDeploy } from '../../client/deploy';
import { loadServiceFile } from '../../client/service-file';
import { serviceChangeId } from '../../common/workflow-ids';
import { signStatusRequest } from '../../workers/lib/deploy-webhook';
import { patientHealthcheck, viaEdge, waitForPhase } from '../support/blue-green';
import { removeNetwork, removeService } from '../support/docker';
import { freePort, testQueue, waitFor, writeRules } from '../support/events';
import { useTestWorkers } from '../support/harness';
import { writeServiceFile } from '../support/service-file';
import { startWorker, stopWithin } from '../support/workers';
import { clientAs } from '../support/temporal';

/** CI end to end: a signed webhook names a service of the service file and an image; the trigger
 * queues it per service, runs the deploy the file declares, and the status endpoint tells CI how it
 * ended. Every test asserts what the user sees at the edge. */
const world = useTestWorkers('ci');
const sfx = world.ids.suffix;
const SECRET = `ci-secret-${sfx}`;
const bg = `cibg-${sfx}`;
const roll = `ciroll-${sfx}`;
/** Deploys wait for a person: a trigger that stops meanwhile must not wait with them. */
const gated = `cigate-${sfx}`;
const queueName = `dockhand-events-ci-${sfx}`;
let webhook: string;
let edge: { bg: number; roll: number; gated: number };
let trigger: ReturnType<typeof startWorker>;
let configPath: string;
let startTrigger: () => Promise<ReturnType<typeof startWorker>>;

beforeAll(async () => {
  edge = { bg: await freePort(), roll: await freePort(), gated: await freePort() };
  const container = (service: string) => ({
    init: true,
    network: `dh-${service}`,
    healthcheck: patientHealthcheck,
  });
  const config = (configPath = writeServiceFile({
    hosts: { [world.ids.hostId]: null },
    defaults: { approval: { required: false }, bake: '0s', port: 8080, healthTimeout: '60s', queueTimeout: '5m' },
    services: {
      [bg]: { image: 'dockhand-fixture-app:v1', edge: { port: edge.bg }, container: container(bg) },
      [roll]: {
        image: 'dockhand-fixture-app:v1',
        strategy: 'rolling',
        rolling: { replicas: 2, order: 'start-first', monitor: '1s' },
        edge: { port: edge.roll },
        container: container(roll),
      },
      [gated]: {
        image: 'dockhand-fixture-app:v1',
        approval: { required: true, timeout: '3m' },
        edge: { port: edge.gated },
        container: container(gated),
      },
    },
  }));
  const port = await freePort();
  webhook = `http://127.0.0.1:${port}/hooks/deploy`;
  const rules = writeRules({ rules: [], webhook: { port, secretEnv: 'TEST_WEBHOOK_SECRET' } });
  startTrigger = async () => {
    const t = startWorker('trigger', world.ids, {
      DOCKHAND_EVENTS_QUEUE: queueName,
      DOCKHAND_RULES: rules,
      DOCKHAND_CONFIG: config,
      TEST_WEBHOOK_SECRET: SECRET,
    });
    await t.ready;
    return t;
  };
  trigger = await startTrigger();
  world.onCleanUp(async () => {
    for (const s of [bg, roll, gated]) {
      await removeService(s);
      await removeNetwork(`dh-${s}`);
      await testQueue(`${queueName}.deploy.${s}`).dispose();
    }
  });
});
afterAll(async () => trigger?.stop());

async function post(body: unknown, delivery: string, secret = SECRET) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await fetch(webhook, {
    method: 'POST',
    body: raw,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signDelivery(secret, ts, delivery, raw),
      'x-dockhand-delivery': delivery,
      'x-dockhand-timestamp': ts,
    },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function statusOf(delivery: string, secret = SECRET) {
  const res = await fetch(`${webhook}/${delivery}`, {
    headers: { 'x-hub-signature-256': signStatusRequest(secret, delivery) },
  });
  return { status: res.status, body: (await res.json()) as DeliveryStatus & { error?: string } };
}

/** Polls the status endpoint as a pipeline would, until the deploy has ended. */
async function untilEnded(delivery: string, timeoutMs = 150_000): Promise<DeliveryStatus> {
  return waitFor(
    async () => {
      const s = await statusOf(delivery);
      return ['succeeded', 'failed', 'rolled-back'].includes(s.body.state) ? s.body : undefined;
    },
    timeoutMs,
    `delivery ${delivery} ended`,
    500,
  );
}

async function runsOf(service: string) {
  const runs = [];
  for await (const r of world.client.workflow.list({ query: `WorkflowId = "${serviceChangeId(service)}"` }))
    runs.push({ runId: r.runId, deliveryId: r.memo?.deliveryId as string | undefined, start: r.startTime.getTime() });
  return runs;
}

describe('CI deploys through the webhook and the service file', () => {
  it('deploys the image a signed request names; the status endpoint says succeeded; the edge answers it', async () => {
    const first = await post({ service: bg, requestedBy: 'ci-bot' }, `bg1-${sfx}`);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      workflowId: serviceChangeId(bg),
      workflowType: 'blueGreenDeploy',
      duplicate: false,
    });
    expect((await untilEnded(`bg1-${sfx}`)).state).toBe('succeeded');
    expect(await viaEdge(edge.bg)).toBe('200 v1\n');

    const second = await post(
      { service: bg, image: 'dockhand-fixture-app:v2', requestedBy: 'ci-bot', pipeline: 'run/2' },
      `bg2-${sfx}`,
    );
    expect(second.status).toBe(202);
    const end = await untilEnded(`bg2-${sfx}`);
    expect(end).toMatchObject({ state: 'succeeded', workflowId: serviceChangeId(bg) });
    expect(end.ui).toContain(end.runId);
    expect(await viaEdge(edge.bg)).toBe('200 v2\n');
    // The run's input says who asked, through what, from which file.
    const history = await world.client.workflow.getHandle(serviceChangeId(bg), end.runId).fetchHistory();
    const input = JSON.stringify(history.events?.[0]?.workflowExecutionStartedEventAttributes?.input);
    const decoded = Buffer.from(JSON.parse(input).payloads[0].data, 'base64').toString();
    expect(JSON.parse(decoded).origin).toMatchObject({
      source: 'webhook',
      requestedBy: 'ci-bot',
      deliveryId: `bg2-${sfx}`,
      pipeline: 'run/2',
      overrides: ['image=dockhand-fixture-app:v2'],
    });
    expect(JSON.parse(decoded).origin.config.sha256).toMatch(/^[a-f0-9]{64}$/);
  });

  it('queues a request that arrives while a change runs, then deploys both in order; a redelivery deploys once', async () => {
    const a = await post({ service: bg, image: 'dockhand-fixture-app:v1', requestedBy: 'ci-bot' }, `bg3-${sfx}`);
    const b = await post({ service: bg, image: 'dockhand-fixture-app:v2', requestedBy: 'ci-bot' }, `bg4-${sfx}`);
    expect([a.status, b.status]).toEqual([202, 202]);
    // While the first runs, the second is queued behind it (not dropped).
    const queued = await waitFor(
      async () => {
        const s = (await statusOf(`bg4-${sfx}`)).body;
        return s.state === 'queued' && s.ahead === 1 ? s : undefined;
      },
      60_000,
      'second request queued behind the first',
    );
    const again = await post({ service: bg, image: 'dockhand-fixture-app:v2', requestedBy: 'ci-bot' }, `bg4-${sfx}`);
    expect(again).toMatchObject({ status: 202, body: { duplicate: true } });
    expect(queued.ahead).toBe(1);
    const endA = await untilEnded(`bg3-${sfx}`);
    const endB = await untilEnded(`bg4-${sfx}`);
    expect([endA.state, endB.state]).toEqual(['succeeded', 'succeeded']);
    expect(await viaEdge(edge.bg)).toBe('200 v2\n');
    const runs = await waitFor(
      async () => {
        const r = await runsOf(bg);
        return r.length >= 4 ? r : undefined;
      },
      20_000,
      'runs visible',
    );
    expect(runs.filter((r) => r.deliveryId === `bg4-${sfx}`)).toHaveLength(1);
    const [ra, rb] = [
      runs.find((r) => r.deliveryId === `bg3-${sfx}`)!,
      runs.find((r) => r.deliveryId === `bg4-${sfx}`)!,
    ];
    expect(ra.start).toBeLessThan(rb.start);
  });

  it('waits while a change started elsewhere (the CLI) holds the lock, then deploys', async () => {
    const loaded = loadServiceFile(configPath);
    const held = resolveDeploy(loaded.file, bg, {
      image: 'dockhand-fixture-app:v1',
      overrides: { approval: { required: true, timeout: '3m' } },
      origin: { source: 'cli', requestedBy: 'dana' },
    });
    const cliChange = await startDeploy(world.client, world.config, held);
    const { runId } = await cliChange.describe();
    expect(
      (await post({ service: bg, image: 'dockhand-fixture-app:v2', requestedBy: 'ci-bot' }, `bg5-${sfx}`)).status,
    ).toBe(202);
    await waitFor(
      async () => (await statusOf(`bg5-${sfx}`)).body.waitingFor === runId,
      60_000,
      'queued behind the CLI change',
    );
    // An answer before the gate opens does not count: approve once the deploy waits for it — as someone
    // other than dana, who requested the change and may not approve it.
    await waitForPhase(cliChange, 'awaiting-approval', 180_000);
    await clientAs(world.client, 'erin').workflow.getHandle(cliChange.workflowId).signal(approveSignal, {});
    expect((await deployEnd(cliChange)).outcome).toBe('succeeded');
    expect((await untilEnded(`bg5-${sfx}`)).state).toBe('succeeded');
    expect(await viaEdge(edge.bg)).toBe('200 v2\n');
  }, 300_000);

  it('deploys a rolling service the same way; the edge answers the new image', async () => {
    expect((await post({ service: roll, requestedBy: 'ci-bot' }, `r1-${sfx}`)).status).toBe(202);
    expect((await untilEnded(`r1-${sfx}`)).state).toBe('succeeded');
    expect(await viaEdge(edge.roll)).toBe('200 v1\n');
    expect(
      (await post({ service: roll, image: 'dockhand-fixture-app:v2', requestedBy: 'ci-bot' }, `r2-${sfx}`)).status,
    ).toBe(202);
    expect((await untilEnded(`r2-${sfx}`)).state).toBe('succeeded');
    for (let i = 0; i < 4; i++) expect(await viaEdge(edge.roll)).toBe('200 v2\n');
  });

  it('says failed, with the reason, when the deploy fails; the edge keeps serving what ran', async () => {
    expect(
      (await post({ service: bg, image: 'dockhand-fixture-app:crash', requestedBy: 'ci-bot' }, `bgx-${sfx}`)).status,
    ).toBe(202);
    const end = await untilEnded(`bgx-${sfx}`);
    expect(end.state).toBe('failed');
    expect(end.failure).toMatch(/exited|crash/i);
    expect(await viaEdge(edge.bg)).toBe('200 v2\n');
  });

  it('a trigger stopped while a deploy waits for approval exits at once; the next one follows the same run to its end', async () => {
    expect((await post({ service: gated, requestedBy: 'ci-bot' }, `gate1-${sfx}`)).status).toBe(202);
    const change = world.client.workflow.getHandle(serviceChangeId(gated));
    await waitForPhase(change, 'awaiting-approval', 120_000);
    const { runId } = await change.describe();
    expect((await statusOf(`gate1-${sfx}`)).body).toMatchObject({ state: 'running', runId });
    // Stopping the trigger used to wait for every deploy it followed to end: here up to the 3 minutes
    // the approval may take (and, in production, hours). Now it stops at once, cleanly (not at the end
    // of its grace period).
    const first = trigger;
    expect(await stopWithin(first, 20_000)).toBe('stopped');
    expect(first.output()).toContain('"trigger stopped"');
    trigger = await startTrigger();
    await clientAs(world.client, 'erin').workflow.getHandle(serviceChangeId(gated)).signal(approveSignal, {});
    expect(await untilEnded(`gate1-${sfx}`)).toMatchObject({ state: 'succeeded', runId });
    expect(await viaEdge(edge.gated)).toBe('200 v1\n');
    expect((await runsOf(gated)).map((r) => r.runId)).toEqual([runId]);
  }, 240_000);

  it('refuses (400, naming the field) an unknown service, a widened strategy, a bad image and a foreign host; nothing is queued', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ service: `nope-${sfx}`, requestedBy: 'ci' }, /body\.service: .* is not a service of/],
      [{ service: bg, strategy: 'rolling', requestedBy: 'ci' }, /body\.strategy: .* deploys blue-green/],
      [{ service: bg, image: 'Not An Image', requestedBy: 'ci' }, /body\.image: not an image reference/],
      [{ service: bg, host: 'elsewhere', requestedBy: 'ci' }, /body\.host: "elsewhere" is not a host of/],
    ];
    for (const [i, [body, error]] of cases.entries()) {
      const res = await post(body, `bad${i}-${sfx}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(error);
      expect((await statusOf(`bad${i}-${sfx}`)).status).toBe(404);
    }
    expect((await post({ service: bg, requestedBy: 'ci' }, `bad-sig-${sfx}`, 'wrong secret')).status).toBe(401);
    // A body changed after signing is refused; so are oversized and malformed ones.
    const body = JSON.stringify({ service: bg, requestedBy: 'ci' });
    const ts = String(Math.floor(Date.now() / 1000));
    const tampered = await fetch(webhook, {
      method: 'POST',
      body: body.replace('"ci"', '"evil"'),
      headers: {
        'x-hub-signature-256': signDelivery(SECRET, ts, `tamper-${sfx}`, body),
        'x-dockhand-delivery': `tamper-${sfx}`,
        'x-dockhand-timestamp': ts,
      },
    });
    expect(tampered.status).toBe(401);
    expect((await post({ service: bg, requestedBy: 'ci', pipeline: 'x'.repeat(70_000) }, `big-${sfx}`)).status).toBe(
      413,
    );
    const malformed = await post({ service: bg, requestedBy: 'ci', colour: 'red' }, `mal-${sfx}`);
    expect(malformed).toMatchObject({ status: 400, body: { error: expect.stringContaining('colour') } });
    for (const d of ['tamper', 'big', 'mal']) expect((await statusOf(`${d}-${sfx}`)).status).toBe(404);
    expect((await statusOf(`bg1-${sfx}`, 'wrong secret')).status).toBe(401);
  });

  it('will not start with a service file that does not validate, and names file:line:path', async () => {
    const bad = writeServiceFile('hosts:\n  h1:\nservices:\n  api:\n    image: app:v1\n    port: eighty\n');
    const rules = writeRules({ rules: [], webhook: { port: await freePort(), secretEnv: 'TEST_WEBHOOK_SECRET' } });
    const t = startWorker('trigger', world.ids, {
      DOCKHAND_EVENTS_QUEUE: `${queueName}-bad`,
      DOCKHAND_RULES: rules,
      DOCKHAND_CONFIG: bad,
      TEST_WEBHOOK_SECRET: SECRET,
    });
    t.ready.catch(() => undefined); // it is meant to exit before polling
    expect(await new Promise<number | null>((r) => t.child.once('exit', (code) => r(code)))).toBe(1);
    expect(t.output()).toContain(`${bad}:6 services.api.port:`);
  });
});
