import type Docker from 'dockerode';
import { Client, Connection } from '@temporalio/client';
import type { EngineEvent } from '../../common/events/engine-event';
import { queueEngineEvents } from '../../activities/events/publish';
import { restartDeskId } from '../../common/remediation/restart-desk';
import { deskHistory, deskSignalEvents } from './desk-history';
import { testQueue, waitFor, writeRules } from '../../test/support/events';
import { startUnderInit } from '../../test/support/docker';
import { startWorker } from '../../test/support/workers';
import { PrivateTemporal } from './private-temporal';
import { loadConfig } from '../../common/config';
import { dockhandDataConverter } from '../../client/data-converter';
import { autohealRules } from './autoheal-rules';
import { tearDownBench } from './bench-teardown';

const CONTAINERS = 5;
const SYNTHETIC = 200;
const RECOVERY_TIMEOUT_MS = 5 * 60_000;

interface OutageReport {
  /** How long Temporal was down. */
  outage_s: number;
  /** Unhealthy events queued while it was down (real containers and synthetic). */
  outage_events: number;
  /** Of those, events whose remediation never happened: no desk signal carried it, no restart, or a failed job. */
  outage_lost: number;
  /** From Temporal back to the last of those events remediated. */
  outage_recovery_s: number;
}

/**
 * Nothing lost across a Temporal outage: on a Temporal dev server of its own (the shared one is never
 * stopped), with its own workers, queue and containers. Every container first goes through one incident,
 * so the outage finds remediation workflows running; then the server stops (database kept) for
 * `outageMs`, during which every container turns unhealthy again and SYNTHETIC events are queued; then
 * it starts again and the check waits until every one of those events was remediated.
 */
export async function temporalOutage(suffix: string, outageMs: number, log: (...a: unknown[]) => void) {
  const temporal = await PrivateTemporal.start();
  log(`outage: own Temporal dev server on ${temporal.address}`);
  const ids = { hostId: `bench-out-${suffix}`, orchestratorQueue: `dockhand-orchestrator-bench-out-${suffix}` };
  const queueName = `dockhand-events-bench-out-${suffix}`;
  const optIn = { 'dockhand.autoheal': 'true', 'dockhand.bench-outage': suffix };
  const synthetic = { 'dockhand.autoheal': 'true', 'dockhand.bench-outage-synthetic': suffix };
  const rules = writeRules({
    concurrency: 32,
    rules: autohealRules(optIn, synthetic),
  });
  const env = { TEMPORAL_ADDRESS: temporal.address };
  const workers = [
    startWorker('orchestrator', ids, env),
    startWorker('host-agent', ids, { ...env, DOCKHAND_EVENTS_PUBLISH: '1', DOCKHAND_EVENTS_QUEUE: queueName }),
    startWorker('trigger', ids, { ...env, DOCKHAND_EVENTS_QUEUE: queueName, DOCKHAND_RULES: rules }),
  ];
  const q = testQueue(queueName);
  // Its own Temporal, with the stack's codec keys (the workers it starts inherit them from the environment).
  const client = new Client({
    connection: await Connection.connect({ address: temporal.address }),
    dataConverter: dockhandDataConverter(loadConfig()),
  });
  const names = Array.from({ length: CONTAINERS }, (_, i) => `bench-out-${suffix}-${i}`);
  try {
    await Promise.all(workers.map((w) => w.ready));
    const containers = await Promise.all(
      names.map((name) => startUnderInit(name, 'dockhand-fixture-app:flaky', optIn)),
    );
    // One incident before the outage: each container's remediation workflow is running when Temporal goes.
    const startedBefore = await Promise.all(
      containers.map(async (c) => {
        await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 60_000, `${c.id} healthy`);
        const first = (await c.inspect()).State.StartedAt;
        await unhealthy(c);
        await waitFor(
          async () => {
            const s = (await c.inspect()).State;
            return s.StartedAt !== first && s.Health?.Status === 'healthy';
          },
          60_000,
          `${c.id} restarted before the outage`,
        );
        return (await c.inspect()).State.StartedAt;
      }),
    );

    await temporal.down();
    const downAt = Date.now();
    log(`outage: Temporal down for ${outageMs / 1000} s`);
    for (const c of containers) await unhealthy(c);
    const base = BigInt(Date.now()) * 1_000_000n;
    const events: EngineEvent[] = Array.from({ length: SYNTHETIC }, (_, i) => ({
      source: 'synthetic',
      host: ids.hostId,
      type: 'container',
      action: 'health_status',
      status: 'unhealthy',
      id: `synthetic-out-${i}`,
      name: `synthetic-out-${ids.hostId}-${i}`,
      labels: synthetic,
      timeNano: `${base + BigInt(i)}`,
    }));
    await queueEngineEvents(q.queue, events);
    // The containers' own unhealthy events must fall inside the outage too.
    await Promise.all(
      containers.map((c) =>
        waitFor(async () => (await c.inspect()).State.Health?.Status === 'unhealthy', 30_000, `${c.id} unhealthy`),
      ),
    );
    await new Promise((r) => setTimeout(r, Math.max(0, downAt + outageMs - Date.now())));
    const queuedDuring = (await q.all()).filter((j) => j.data.status === 'unhealthy' && j.timestamp >= downAt).length;
    await temporal.up();
    const upAt = Date.now();
    log(`outage: Temporal back after ${(upAt - downAt) / 1000} s; ${queuedDuring} unhealthy events queued meanwhile`);

    // Remediated: every container restarted again, every synthetic event's workflow exists, no job failed.
    const waitingContainers = new Set(containers.map((_, i) => i));
    const waitingEvents = new Set(events);
    const missing = async () => {
      for (const i of waitingContainers)
        if ((await containers[i]!.inspect()).State.StartedAt !== startedBefore[i]) waitingContainers.delete(i);
      // An event is delivered once a signal of the host's restart desk carried it (the desk looks at each).
      const history = await deskHistory(client, ids.hostId).catch(() => []);
      const delivered = new Set(history.flatMap((h) => deskSignalEvents(h).map((x) => `${x.container}/${x.timeNano}`)));
      for (const e of waitingEvents) if (delivered.has(`${e.name}/${e.timeNano}`)) waitingEvents.delete(e);
      const failed = (await q.queue.getJobCounts('failed')).failed ?? 0;
      return waitingContainers.size + waitingEvents.size + failed;
    };
    let lost = await missing();
    const deadline = upAt + RECOVERY_TIMEOUT_MS;
    while (lost > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      lost = await missing();
    }
    if (lost > 0)
      await explainLost(
        client,
        q,
        ids.hostId,
        [...waitingContainers].map((i) => names[i]!),
        waitingEvents,
        log,
      );
    const report: OutageReport = {
      outage_s: Math.round((upAt - downAt) / 1000),
      outage_events: queuedDuring,
      outage_lost: lost,
      outage_recovery_s: Math.round((Date.now() - upAt) / 100) / 10,
    };
    const dead = workers.filter((w) => w.child.exitCode !== null || w.child.signalCode !== null);
    if (dead.length) log(`outage: ${dead.length} worker(s) exited during the outage`);
    return report;
  } finally {
    await tearDownBench({ containers: names, workers, queue: q, client });
    await temporal.dispose();
  }
}

/** Makes a flaky fixture container fail its health check (it turns unhealthy ~2 s later). */
async function unhealthy(c: Docker.Container): Promise<void> {
  await (await c.exec({ Cmd: ['/bin/busybox', 'rm', '/www/health'] })).start({});
}

/** Says why each unremediated container or event is missing, so a lost event can be chased. */
async function explainLost(
  client: Client,
  q: ReturnType<typeof testQueue>,
  host: string,
  containers: string[],
  events: Set<EngineEvent>,
  log: (...a: unknown[]) => void,
) {
  const desk = client.workflow.getHandle(restartDeskId(host));
  const d = await desk.describe().catch((e: Error) => e);
  if (d instanceof Error) log(`outage: no restart desk for ${host} (${d.message})`);
  else {
    const tail = ((await desk.fetchHistory()).events ?? []).slice(-6).map((e) => String(e.eventType));
    log(`outage: restart desk ${d.status.name} run ${d.runId}, last events ${tail.join(' ')}`);
  }
  if (containers.length) log(`outage: not restarted: ${containers.join(', ')}`);
  if (events.size) log(`outage: ${events.size} synthetic events no desk signal carried`);
  for (const j of await q.queue.getJobs(['failed'])) log(`outage: job ${j.id} failed: ${j.failedReason}`);
}
