import type { DeliveryStatus } from '../common/events/deploy-request';
import { signDelivery } from '../common/events/signature';
import { runStack } from '../cli/lib/processes';
import { signStatusRequest } from '../workers/lib/deploy-webhook';

/** The headers of a signed deploy request: timestamp, delivery id and body under one HMAC. */
function deliveryHeaders(secret: string, id: string, body: string): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    'x-hub-signature-256': signDelivery(secret, ts, id, body),
    'x-dockhand-delivery': id,
    'x-dockhand-timestamp': ts,
  };
}
import { removeNetwork, removeService } from '../test/support/docker';
import { freePort, testQueue, writeRules } from '../test/support/events';
import { writeServiceFile } from '../test/support/service-file';
import { testClient } from '../test/support/temporal';
import { startWorker, startWorkers, testIds } from '../test/support/workers';
import { PATIENT_HEALTHCHECK } from './lib/fixture-app';

const SERVICES = 5;
const IMAGES = ['v1', 'v2', 'v1'];
const TIMEOUT_MS = 10 * 60_000;

interface Delivery {
  service: string;
  id: string;
  image: string;
  postedAt: number;
  /** POST → the edge answers the delivery's image (measured only where it is the service's last image
   * so far: a later queued delivery may replace it before anyone looks). */
  seconds?: number;
  state?: string;
  duplicate?: boolean;
}

/**
 * CI through the webhook against a live stack: 5 services × 4 deliveries (3 images each plus one
 * redelivery of an earlier delivery id), 3 of them sent while a change of their service still runs.
 * Each delivery is followed with the status endpoint as CI would; the figure is the time from the POST
 * to the edge answering the new image. lost: a delivery that never ended; failed: one that ended
 * failed; in_order: every service's runs started in the order its deliveries were sent, and each edge
 * ends on its last image.
 */
export async function main(): Promise<void> {
  await runStack('up');
  const ids = testIds('bench-ci');
  const secret = `bench-${ids.suffix}`;
  const services = Array.from({ length: SERVICES }, (_, i) => `bci${i}-${ids.suffix}`);
  const ports = await Promise.all(services.map(() => freePort()));
  const config = writeServiceFile({
    hosts: { [ids.hostId]: null },
    defaults: { approval: { required: false }, bake: '0s', port: 8080, queueTimeout: '10m' },
    services: Object.fromEntries(
      services.map((s, i) => [
        s,
        {
          image: 'dockhand-fixture-app:v1',
          edge: { port: ports[i] },
          container: { init: true, network: `dh-${s}`, healthcheck: PATIENT_HEALTHCHECK },
        },
      ]),
    ),
  });
  const hookPort = await freePort();
  const url = `http://127.0.0.1:${hookPort}/hooks/deploy`;
  const queueName = `dockhand-events-bci-${ids.suffix}`;
  const { client } = await testClient(ids);
  const workers = await startWorkers(ids);
  const trigger = startWorker('trigger', ids, {
    DOCKHAND_EVENTS_QUEUE: queueName,
    DOCKHAND_RULES: writeRules({ rules: [], webhook: { port: hookPort, secretEnv: 'BENCH_SECRET' } }),
    DOCKHAND_CONFIG: config,
    BENCH_SECRET: secret,
  });
  await trigger.ready;
  const deliveries: Delivery[] = [];
  const post = async (d: Omit<Delivery, 'postedAt'>) => {
    const body = JSON.stringify({ service: d.service, image: `dockhand-fixture-app:${d.image}`, requestedBy: 'bench' });
    const delivery: Delivery = { ...d, postedAt: Date.now() };
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        ...deliveryHeaders(secret, d.id, body),
      },
    });
    if (res.status !== 202) throw new Error(`POST ${d.id}: ${res.status} ${await res.text()}`);
    delivery.duplicate = ((await res.json()) as { duplicate: boolean }).duplicate;
    deliveries.push(delivery);
    return delivery;
  };
  const status = async (id: string) =>
    (await (
      await fetch(`${url}/${id}`, { headers: { 'x-hub-signature-256': signStatusRequest(secret, id) } })
    ).json()) as DeliveryStatus;
  const edgeAnswers = async (port: number) => {
    try {
      return (await (await fetch(`http://127.0.0.1:${port}/version`)).text()).trim();
    } catch {
      return '';
    }
  };
  /** Follows one delivery to its end, timing the edge's switch to its image. */
  const follow = async (d: Delivery, port: number, timeEdge: boolean) => {
    for (const deadline = Date.now() + TIMEOUT_MS; Date.now() < deadline;) {
      if (timeEdge && d.seconds === undefined && (await edgeAnswers(port)) === d.image)
        d.seconds = (Date.now() - d.postedAt) / 1000;
      const s = await status(d.id);
      if (['succeeded', 'failed', 'rolled-back'].includes(s.state)) {
        d.state = s.state;
        if (timeEdge && d.seconds === undefined && (await edgeAnswers(port)) === d.image)
          d.seconds = (Date.now() - d.postedAt) / 1000;
        console.log(`[bench] ${d.id} ${d.state}${d.seconds !== undefined ? ` in ${d.seconds.toFixed(1)}s` : ''}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const started = Date.now();
  try {
    await Promise.all(
      services.map(async (service, i) => {
        const port = ports[i]!;
        const deliveryIds = IMAGES.map((_, n) => `${service}-d${n}`);
        // Services 0–2 send their second delivery while the first still runs (queued, not dropped).
        const first = await post({ service, id: deliveryIds[0]!, image: IMAGES[0]! });
        if (i < 3) {
          const second = await post({ service, id: deliveryIds[1]!, image: IMAGES[1]! });
          await follow(first, port, true);
          await follow(second, port, true);
        } else {
          await follow(first, port, true);
          await follow(await post({ service, id: deliveryIds[1]!, image: IMAGES[1]! }), port, true);
        }
        // A redelivery of an earlier id (a CI retry): answered as a duplicate, deploys nothing.
        const again = await post({ service, id: deliveryIds[i % 2]!, image: IMAGES[i % 2]! });
        const third = await post({ service, id: deliveryIds[2]!, image: IMAGES[2]! });
        await follow(third, port, true);
        again.state = again.duplicate ? 'duplicate' : 'NOT A DUPLICATE';
      }),
    );
    const unique = deliveries.filter((d) => !d.duplicate);
    const times = unique.flatMap((d) => (d.seconds === undefined ? [] : [d.seconds])).sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? NaN;
    let inOrder = true;
    for (const [i, service] of services.entries()) {
      if ((await edgeAnswers(ports[i]!)) !== IMAGES.at(-1)) inOrder = false;
      const runs = [];
      for await (const r of client.workflow.list({ query: `WorkflowId = "deploy/${service}"` }))
        runs.push({ id: r.memo?.deliveryId as string, start: r.startTime.getTime() });
      const order = runs.sort((a, b) => a.start - b.start).map((r) => r.id);
      if (order.join() !== IMAGES.map((_, n) => `${service}-d${n}`).join()) inOrder = false;
    }
    console.log(
      JSON.stringify({
        deliveries: deliveries.length,
        duplicates: deliveries.filter((d) => d.duplicate).length,
        deployed: unique.filter((d) => d.state === 'succeeded').length,
        failed: unique.filter((d) => d.state && d.state !== 'succeeded').length,
        lost: unique.filter((d) => !d.state).length,
        in_order: inOrder,
        p50_s: Number(pct(50).toFixed(1)),
        p99_s: Number(pct(99).toFixed(1)),
        total_s: Number(((Date.now() - started) / 1000).toFixed(1)),
      }),
    );
  } finally {
    await trigger.stop();
    await workers.stop();
    for (const s of services) {
      await removeService(s);
      await removeNetwork(`dh-${s}`);
      await testQueue(`${queueName}.deploy.${s}`).dispose();
    }
  }
}
