import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { Client, Connection } from '@temporalio/client';
import { runStack } from '../cli/lib/processes';
import { loadConfig } from '../common/config';
import { dockhandDataConverter } from '../client/data-converter';
import { temporalConnectionOptions } from '../client/connection-options';
import { engineEventJobId, type EngineEvent } from '../common/events/engine-event';
import { JobName } from '../common/events/queues';
import { queueEngineEvents } from '../activities/events/publish';
import { restartDeskId } from '../common/remediation/restart-desk';
import { activityContainer, deskHistory, deskSignalEvents } from './lib/desk-history';
import { testQueue, waitFor, writeRules } from '../test/support/events';
import { temporalOutage } from './lib/temporal-outage';
import { incidentStages, percentile, summarizeStages, type IncidentStages } from './lib/incident-stages';
import { startUnderInit } from '../test/support/docker';
import { startWorker } from '../test/support/workers';
import { startCeiling } from './lib/start-ceiling';
import { autohealRules } from './lib/autoheal-rules';
import { tearDownBench } from './lib/bench-teardown';
import { warmUp } from './lib/warm-up';

const CONTAINERS = 10;
const ROUNDS = 5; // 50 incidents
const SYNTHETIC = 1000;
const POLL_S = 5; // autoheal's default interval
const TRIGGER_CONCURRENCY = 32;
/** Temporal outage of the "nothing lost" check (DOCKHAND_BENCH_OUTAGE_S shortens it for a quick try). */
const OUTAGE_MS = Number(process.env.DOCKHAND_BENCH_OUTAGE_S ?? 60) * 1000;

const docker = new Docker();
const log = (...a: unknown[]) => console.error('[bench:remediation]', ...a);

/**
 * Latency from the engine's `health_status: unhealthy` event to the start of the restart (the engine's
 * `kill` event of that restart), over 50 incidents, for Dockhand (events → queue → rules → the host's
 * restart desk → host agent) and for an autoheal-style poller (`docker ps --filter health=unhealthy` every 5 s, then
 * `docker restart`), on the same engine with the same fixture; plus throughput of 1,000 synthetic
 * events through queue → rules → workflow start; plus "nothing lost" across a 60 s Temporal outage, on a
 * Temporal dev server of the bench's own (bench/lib/temporal-outage.ts).
 */
export async function main(): Promise<void> {
  await runStack('up');
  const suffix = randomBytes(3).toString('hex');
  const ids = { hostId: `bench-${suffix}`, orchestratorQueue: `dockhand-orchestrator-bench-${suffix}` };
  const queueName = `dockhand-events-bench-${suffix}`;
  const optIn = { 'dockhand.autoheal': 'true', 'dockhand.bench': suffix };
  const synthetic = { 'dockhand.autoheal': 'true', 'dockhand.bench-synthetic': suffix };
  const rules = writeRules({
    concurrency: TRIGGER_CONCURRENCY,
    rateLimit: { max: 5000, durationMs: 1000 },
    rules: autohealRules(optIn, synthetic),
  });
  const workers = [
    startWorker('orchestrator', ids),
    startWorker('host-agent', ids, { DOCKHAND_EVENTS_PUBLISH: '1', DOCKHAND_EVENTS_QUEUE: queueName }),
    startWorker('trigger', ids, { DOCKHAND_EVENTS_QUEUE: queueName, DOCKHAND_RULES: rules }),
  ];
  const q = testQueue(queueName);
  const config = loadConfig();
  const client = new Client({
    connection: await Connection.connect(temporalConnectionOptions(config)),
    namespace: config.temporalNamespace,
    dataConverter: dockhandDataConverter(config),
  });
  const names: string[] = [];
  try {
    await Promise.all(workers.map((w) => w.ready));
    log('workers up');
    // The incidents are measured on warm workers: the first event after they start is reported apart.
    const warmupMs = await warmUp(q, client, ids.hostId, optIn);
    log(`warm-up: the first event after the workers started reached the desk's first workflow task in ${warmupMs} ms`);

    const dockhandNames = Array.from({ length: CONTAINERS }, (_, i) => `bench-dh-${suffix}-${i}`);
    names.push(...dockhandNames);
    const dockhandIncidents = await measure(dockhandNames, optIn);
    const dockhand = latencies(dockhandIncidents);
    log(`dockhand p50 ${pct(dockhand, 50)} ms, p99 ${pct(dockhand, 99)} ms over ${dockhand.length} incidents`);
    const stages = summarizeStages(await stagesOf(dockhandIncidents, q, client, ids.hostId));
    log(`where the time went (ms): ${formatStages(stages)}`);

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
      polled = latencies(await measure(pollerNames, pollerLabels));
    } finally {
      process.kill(-poller.pid!, 'SIGTERM');
    }
    log(`poller p50 ${pct(polled, 50)} ms, p99 ${pct(polled, 99)} ms over ${polled.length} incidents`);

    const eventsPerS = await throughput(q, ids.hostId, synthetic);
    log(`throughput ${eventsPerS.toFixed(1)} events/s (${SYNTHETIC} synthetic events → rules → workflow start)`);
    const ceiling = await startCeiling(client, SYNTHETIC, TRIGGER_CONCURRENCY);
    log(
      `peer: bare signal-with-start on the same server ${ceiling.perS.toFixed(1)}/s (p50 ${ceiling.p50} ms, p99 ${ceiling.p99} ms); Dockhand keeps ${((100 * eventsPerS) / ceiling.perS).toFixed(0)} %`,
    );

    const outage = await temporalOutage(suffix, OUTAGE_MS, log);
    log(
      `outage: ${outage.outage_lost} of ${outage.outage_events} events lost; all remediated ${outage.outage_recovery_s} s after Temporal returned`,
    );

    await client.workflow
      .getHandle(restartDeskId(ids.hostId))
      .terminate('bench over')
      .catch(() => undefined);
    console.log(
      JSON.stringify({
        dockhand_p50_ms: pct(dockhand, 50),
        dockhand_p99_ms: pct(dockhand, 99),
        poller_p50_ms: pct(polled, 50),
        poller_p99_ms: pct(polled, 99),
        events_per_s: Math.round(eventsPerS * 10) / 10,
        temporal_starts_per_s: Math.round(ceiling.perS * 10) / 10,
        warmup_ms: warmupMs,
        ...outage,
      }),
    );
  } finally {
    await tearDownBench({ containers: names, workers, queue: q, client });
  }
}

/** One incident: the engine's unhealthy event and the kill event of the restart that followed (ns). */
interface Incident {
  name: string;
  unhealthyNs: bigint;
  killNs: bigint;
}

/** Runs ROUNDS incidents on each container (in parallel across containers) and returns them. */
async function measure(names: string[], labels: Record<string, string>): Promise<Incident[]> {
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
    await Promise.all(names.map((n) => startUnderInit(n, 'dockhand-fixture-app:flaky', labels)));
    await Promise.all(
      names.map(async (name) => {
        const c = docker.getContainer(name);
        for (let round = 0; round < ROUNDS; round++) {
          await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 60_000, `${name} healthy`);
          await makeUnhealthy(c, name);
          await waitFor(() => (killAt.get(name)?.length ?? 0) > round, 60_000, `${name} restarted (round ${round})`);
        }
        log(`${name}: ${ROUNDS} incidents`);
      }),
    );
  } finally {
    stream.destroy();
  }
  const incidents: Incident[] = [];
  for (const name of names) {
    const kills = killAt.get(name) ?? [];
    for (const u of unhealthyAt.get(name) ?? []) {
      const k = kills.find((x) => x >= u);
      if (k !== undefined) incidents.push({ name, unhealthyNs: u, killNs: k });
    }
  }
  return incidents;
}

/** Removes the health file. On a loaded machine the health check can time out by itself, and a restart
 * (Dockhand's or the poller's) then races the exec: a container that is not running right now is
 * waited for until healthy again, then the exec is repeated. */
async function makeUnhealthy(c: Docker.Container, name: string): Promise<void> {
  for (;;) {
    try {
      await (await c.exec({ Cmd: ['/bin/busybox', 'rm', '/www/health'] })).start({});
      return;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 409) throw e;
      await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 60_000, `${name} healthy`);
    }
  }
}

/** Latencies (ms, ascending) of incidents. */
const latencies = (incidents: Incident[]) =>
  incidents.map((i) => Number((i.killNs - i.unhealthyNs) / 1_000_000n)).sort((a, b) => a - b);

/** 1,000 synthetic unhealthy events (for 1,000 containers that do not exist: the host's restart desk
 * looks at each, finds nothing) from queue add to every job done (a job is done once Temporal accepted
 * the signal carrying its event). */
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
  await queueEngineEvents(q.queue, events);
  await waitFor(
    async () => ((await q.queue.getJobCounts('completed')).completed ?? 0) - before >= SYNTHETIC,
    600_000,
    'synthetic events processed',
  );
  const elapsedS = (Date.now() - started) / 1000;
  const ids = new Set(events.map(engineEventJobId));
  const jobs = (await q.queue.getJobs(['completed'])).filter((j) => ids.has(j.id!));
  const spread = (f: (j: (typeof jobs)[number]) => number) => {
    const v = jobs.map(f).sort((a, b) => a - b);
    return `p50 ${percentile(v, 50)} p99 ${percentile(v, 99)}`;
  };
  log(
    `synthetic jobs (ms): queued ${spread((j) => j.processedOn! - j.timestamp)} · signal-with-start ${spread((j) => j.finishedOn! - j.processedOn!)}`,
  );
  return SYNTHETIC / elapsedS;
}

/** Each incident split into stages: the job its unhealthy event became, and its workflow's history. */
async function stagesOf(
  incidents: Incident[],
  q: ReturnType<typeof testQueue>,
  client: Client,
  host: string,
): Promise<IncidentStages[]> {
  const jobs = new Map<string, { timestamp: number; processedOn?: number }>();
  for (const j of await q.queue.getJobs(['completed']))
    if (j.name === JobName.engineEvent) jobs.set(`${j.data.name}/${j.data.timeNano}`, j);
  // Every incident is in the host's restart desk (all its runs): the signal that carried its event, and
  // the restart activity of its container.
  const history = await deskHistory(client, host);
  return incidents.map((i) => {
    const wanted = i.unhealthyNs.toString();
    return incidentStages({
      unhealthyNs: i.unhealthyNs,
      killNs: i.killNs,
      job: jobs.get(`${i.name}/${i.unhealthyNs}`),
      history,
      signalTimeNano: (e) =>
        deskSignalEvents(e).some((x) => x.container === i.name && x.timeNano === wanted) ? wanted : undefined,
      restartOf: (e) => activityContainer(e) === i.name,
    });
  });
}

const formatStages = (s: ReturnType<typeof summarizeStages>) =>
  Object.entries(s)
    .map(([k, v]) => `${k} p50 ${v.p50} p99 ${v.p99}`)
    .join(' · ');

const pct = percentile;
