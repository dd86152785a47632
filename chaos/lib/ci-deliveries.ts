import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { deployJobId, type DeployJobResult } from '../../common/events/deploy-request';
import { eventsQueueName } from '../../common/events/queues';
import { DELIVERY_HEADERS, SIGNATURE_HEADER, TIMESTAMP_HEADER, signDelivery } from '../../common/events/signature';
import { serviceChangeId } from '../../common/workflow-ids';
import { CI_SERVICE, type World } from '../world';

/** Redelivery of the same delivery id a moment later (CI retries a request whose answer it missed). */
const REDELIVERY_AFTER_MS = 1500;
/** How long a round's CI request may take to end once the round is over (a deploy behind faults). */
const CI_END_MS = 240_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs one signed delivery, retrying while the trigger (the webhook) is down, as CI would. */
async function deliver(
  world: World,
  deliveryId: string,
  body: string,
): Promise<{ status: number; duplicate?: boolean }> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const ts = String(Math.floor(Date.now() / 1000)); // signed afresh on each try, as CI does
      const res = await fetch(world.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signDelivery(world.webhook.secret, ts, deliveryId, body),
          [DELIVERY_HEADERS[0]]: deliveryId,
          [TIMESTAMP_HEADER]: ts,
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await res.json().catch(() => ({}))) as { duplicate?: boolean };
      if (res.status !== 500 || Date.now() > deadline) return { status: res.status, duplicate: answer.duplicate };
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(500);
  }
}

/**
 * A round's CI traffic: one signed deploy request of CI_SERVICE, and its redelivery, sent while the
 * round's fault lands. `check` waits for the request's end and reports what broke "every CI request
 * processed exactly once": not accepted, accepted twice, never ended, or deployed by more (or fewer)
 * than one run of deploy/<service>.
 */
export function startCiDeliveries(world: World, seed: number, round: number) {
  const deliveryId = `chaos-${seed}-${round}`;
  const body = JSON.stringify({
    service: CI_SERVICE,
    image: `dockhand-fixture-app:${round % 2 ? 'v2' : 'v1'}`,
    requestedBy: 'chaos',
  });
  const sent = (async () => {
    const first = await deliver(world, deliveryId, body);
    await sleep(REDELIVERY_AFTER_MS);
    const again = await deliver(world, deliveryId, body);
    return { first, again };
  })();
  return {
    deliveryId,
    async check(problem: (what: string) => void, log: (line: string) => void): Promise<void> {
      const { first, again } = await sent.catch((err: Error) => {
        problem(`CI delivery ${deliveryId} could not be sent: ${err.message}`);
        return { first: undefined, again: undefined };
      });
      if (!first || !again) return;
      if (first.status !== 202 || again.status !== 202)
        return problem(`CI delivery ${deliveryId} answered ${first.status} then ${again.status}, expected 202 twice`);
      // The first may have been answered "duplicate" only if its own earlier attempt was accepted.
      if (again.duplicate !== true) problem(`the redelivery of ${deliveryId} was queued again (not a duplicate)`);
      const redis = new Redis(world.config.redisUrl, { maxRetriesPerRequest: 3 });
      const queue = new Queue(`${eventsQueueName()}.deploy.${CI_SERVICE}`, { connection: redis });
      try {
        const deadline = Date.now() + CI_END_MS;
        let state = 'missing';
        let result: DeployJobResult | undefined;
        while (Date.now() < deadline) {
          const job = await queue.getJob(deployJobId(deliveryId));
          state = job ? await job.getState() : 'missing';
          result = job?.returnvalue as DeployJobResult | undefined;
          if (state === 'completed' || state === 'failed' || state === 'missing') break;
          await sleep(1000);
        }
        if (state !== 'completed')
          return problem(`CI delivery ${deliveryId} is ${state} ${Math.round(CI_END_MS / 1000)}s after its round`);
        const client = await world.client();
        const runs: string[] = [];
        for await (const w of client.workflow.list({ query: `WorkflowId = "${serviceChangeId(CI_SERVICE)}"` }))
          if (w.memo?.deliveryId === deliveryId) runs.push(w.runId);
        if (runs.length !== 1)
          problem(
            `CI delivery ${deliveryId} started ${runs.length} runs of ${serviceChangeId(CI_SERVICE)}: ${runs.join(', ')}`,
          );
        else if (result?.runId !== runs[0])
          problem(
            `CI delivery ${deliveryId} reports run ${result?.runId} (${result?.state}), Temporal shows ${runs[0]}`,
          );
        else
          log(`  ci: ${deliveryId} (and its redelivery) → one run of ${serviceChangeId(CI_SERVICE)}, ${result?.state}`);
      } finally {
        await queue.close();
        redis.disconnect();
      }
    },
  };
}
