import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { Client, Connection } from '@temporalio/client';
import { runStack } from '../cli/lib/processes';
import { loadConfig } from '../common/config';
import { engineEventJobId, type EngineEvent } from '../common/events/engine-event';
import { EVENT_JOB_OPTIONS, JobName } from '../common/events/queues';
import { remediationId } from '../common/workflow-ids';
import { testQueue, waitFor, writeRules } from '../test/support/events';
import { startWorker } from '../test/support/workers';

const CONTAINERS = 10;
const ROUNDS = 5; // 50 incidents
const SYNTHETIC = 1000;
const POLL_S = 5; // autoheal's default interval

const docker = new Docker();
const log = (...a: unknown[]) => console.error('[bench:remediation]', ...a);

/**
 * Latency from the engine's `health_status: unhealthy` event to the start of the restart (the engine's
 * `kill` event of that restart), over 50 incidents, for Dockhand (events → queue → rules → workflow →
 * host agent) and for an autoheal-style poller (`docker ps --filter health=unhealthy` every 5 s, then
 * `docker restart`), on the same engine with the same fixture; plus throughput of 1,000 synthetic
 * events through queue → rules → workflow start.
 */
export async function main(): Promise<void> {
  await runStack('up');
  const suffix = randomBytes(3).toString('hex');
  const ids = { hostId: `bench-${suffix}`, orchestratorQueue: `dockhand-orchestrator-bench-${suffix}` };
  const queueName = `dockhand-events-bench-${suffix}`;
  const optIn = { 'dockhand.autoheal': 'true', 'dockhand.bench': suffix };
  const synthetic = { 'dockhand.autoheal': 'true', 'dockhand.bench-synthetic': suffix };
  const rules = writeRules({
    concurrency: 32,
    rateLimit: { max: 5000, durationMs: 1000 },
    rules: [
      {
        name: 'autoheal',
        match: { action: 'health_status', status: 'unhealthy', labels: optIn },
        workflow: 'restartUnhealthy',
        args: { maxRestarts: 100, windowMs: '10m', backoffMs: 0, stopTimeoutS: 1, idleMs: '10m' },
      },
      {
        name: 'synthetic',
        match: { action: 'health_status', status: 'unhealthy', labels: synthetic },
        workflow: 'restartUnhealthy',
        args: { idleMs: '1s' },
      },
    ],
  });
  const workers = [
    startWorker('orchestrator', ids),
    startWorker('host-agent', ids, { DOCKHAND_EVENTS_PUBLISH: '1', DOCKHAND_EVENTS_QUEUE: queueName }),
    startWorker('trigger', ids, { DOCKHAND_EVENTS_QUEUE: queueName, DOCKHAND_RULES: rules }),
  ];
  const q = testQueue(queueName);
  const config = loadConfig();
  const client = new Client({
    connection: await Connection.connect({ address: config.temporalAddress }),
    namespace: config.temporalNamespace,
  });
  const names: string[] = [];
  try {
    await Promise.all(workers.map((w) => w.ready));
    log('workers up');

    const dockhandNames = Array.from({ length: CONTAINERS }, (_, i) => `bench-dh-${suffix}-${i}`);
    names.push(...dockhandNames);
    const dockhand = await measure(dockhandNames, optIn);
    log(`dockhand p50 ${pct(dockhand, 50)} ms, p99 ${pct(dockhand, 99)} ms over ${dockhand.length} incidents`);

    const pollerNames = Array.from({ length: CONTAINERS }, (_, i) => `bench-poll-${suffix}-${i}`);
    names.push(...pollerNames);
    const pollerLabels = { 'dockhand.bench-poller': suffix };
    const poller = spawn(
      'sh',
      [
        '-c',
        `while true; do docker ps -q --filter health=unhealthy --filter label=dockhand.bench-poller=${suffix} | xargs -r docker restart -t 1 >/dev/null; sleep ${POLL_S}; done`,
      ],
      { stdio: 'ignore', detached: true },
    );
    let polled: number[];
    try {
      polled = await measure(pollerNames, pollerLabels);
    } finally {
      process.kill(-poller.pid!, 'SIGTERM');
    }
    log(`poller p50 ${pct(polled, 50)} ms, p99 ${pct(polled, 99)} ms over ${polled.length} incidents`);

    const eventsPerS = await throughput(q, ids.hostId, synthetic);
    log(`throughput ${eventsPerS.toFixed(1)} events/s (${SYNTHETIC} synthetic events → rules → workflow start)`);

    for (const n of dockhandNames)
      await client.workflow
        .getHandle(remediationId('restart-unhealthy', ids.hostId, n))
        .terminate('bench over')
        .catch(() => undefined);
    console.log(
      JSON.stringify({
        dockhand_p50_ms: pct(dockhand, 50),
        dockhand_p99_ms: pct(dockhand, 99),
        poller_p50_ms: pct(polled, 50),
        poller_p99_ms: pct(polled, 99),
        events_per_s: Math.round(eventsPerS * 10) / 10,
      }),
    );
  } finally {
    for (const n of names)
      await docker
        .getContainer(n)
        .remove({ force: true })
        .catch(() => undefined);
    await Promise.all(workers.map((w) => w.stop()));
    await q.dispose();
    await client.connection.close();
  }
}

/** Runs ROUNDS incidents on each container (in parallel across containers) and returns, per incident,
 * the ms from the engine's unhealthy event to the engine's kill event of the restart that followed. */
async function measure(names: string[], labels: Record<string, string>): Promise<number[]> {
  const unhealthyAt = new Map<string, bigint[]>();
  const killAt = new Map<string, bigint[]>();
  const stream = (await docker.getEvents({
    filters: {
      type: ['container'],
      event: ['health_status', 'kill'],
      label: Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    },
  } as Docker.GetEventsOptions)) as unknown as NodeJS.ReadableStream & { destroy(): void };
  let buf = '';
  stream.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.trim()) continue;
      const m = JSON.parse(line) as { Action: string; Actor: { Attributes: { name: string } } };
      const t = BigInt(/"timeNano":(\d+)/.exec(line)![1]!);
      const map = m.Action === 'health_status: unhealthy' ? unhealthyAt : m.Action === 'kill' ? killAt : undefined;
      if (map) map.set(m.Actor.Attributes.name, [...(map.get(m.Actor.Attributes.name) ?? []), t]);
    }
  });
  try {
    await Promise.all(
      names.map((n) =>
        docker
          .createContainer({ name: n, Image: 'dockhand-fixture-app:flaky', Labels: labels, HostConfig: { Init: true } })
          .then((c) => c.start()),
      ),
    );
    await Promise.all(
      names.map(async (name) => {
        const c = docker.getContainer(name);
        for (let round = 0; round < ROUNDS; round++) {
          await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 60_000, `${name} healthy`);
          await (await c.exec({ Cmd: ['/bin/busybox', 'rm', '/www/health'] })).start({});
          await waitFor(() => (killAt.get(name)?.length ?? 0) > round, 60_000, `${name} restarted (round ${round})`);
        }
        log(`${name}: ${ROUNDS} incidents`);
      }),
    );
  } finally {
    stream.destroy();
  }
  const latencies: number[] = [];
  for (const name of names) {
    const kills = killAt.get(name) ?? [];
    for (const u of unhealthyAt.get(name) ?? []) {
      const k = kills.find((x) => x >= u);
      if (k !== undefined) latencies.push(Number((k - u) / 1_000_000n));
    }
  }
  return latencies.sort((a, b) => a - b);
}

/** 1,000 synthetic unhealthy events (for 1,000 containers that do not exist: each starts a workflow
 * that looks, finds nothing, and ends) from queue add to every job done. */
async function throughput(
  q: ReturnType<typeof testQueue>,
  host: string,
  labels: Record<string, string>,
): Promise<number> {
  const base = BigInt(Date.now()) * 1_000_000n;
  const events: EngineEvent[] = Array.from({ length: SYNTHETIC }, (_, i) => ({
    source: 'synthetic',
    host,
    type: 'container',
    action: 'health_status',
    status: 'unhealthy',
    id: `synthetic-${i}`,
    name: `synthetic-${host}-${i}`,
    labels,
    timeNano: `${base + BigInt(i)}`,
  }));
  const before = (await q.queue.getJobCounts('completed')).completed ?? 0;
  const started = Date.now();
  await q.queue.addBulk(
    events.map((e) => ({
      name: JobName.engineEvent,
      data: e,
      opts: { jobId: engineEventJobId(e), ...EVENT_JOB_OPTIONS },
    })),
  );
  await waitFor(
    async () => ((await q.queue.getJobCounts('completed')).completed ?? 0) - before >= SYNTHETIC,
    600_000,
    'synthetic events processed',
  );
  return SYNTHETIC / ((Date.now() - started) / 1000);
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
