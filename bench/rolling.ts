import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { rolloutOutcome, startRollingUpdate } from '../client/rolling-update';
import { proxyLocation } from '../activities/traffic/nginx-config';
import { runStack } from '../cli/lib/processes';
import type { RollingUpdateRequest } from '../common/rolling-update';
import { docker, removeNetwork, removeService } from '../test/support/docker';
import { testClient } from '../test/support/temporal';
import { startWorkers, testIds } from '../test/support/workers';
import { formatProfile, profileHistory } from './lib/history-profile';
import { loadUntil, type LoadReport } from './lib/load';
import { serviceChangeId } from '../common/workflow-ids';

const run = promisify(execFile);
const REPLICAS = 10;
/** Every peer waits this long after a replica is healthy before the next (Swarm's --update-monitor). */
const MONITOR_S = 2;
const HEALTH = [
  '--health-cmd',
  '/bin/busybox wget -q -O /dev/null http://127.0.0.1:8080/health',
  '--health-interval',
  '1s',
  '--health-timeout',
  '2s',
  '--health-retries',
  '3',
];
const log = (msg: string) => console.log(`[bench rolling] ${msg}`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * 10 replicas of the fixture app v1 → v2, health-gated, parallelism 1, the same health check, the
 * same monitor period and the same stop behaviour (init as PID 1) for every peer: Dockhand (stop-first
 * and start-first, requests through its edge meanwhile), `docker service update` in swarm mode (the
 * same two orders, requests through the same edge image in front of its tasks) and the seed's shell loop.
 */
export async function main(): Promise<void> {
  await runStack('up');
  const ids = testIds('bench');
  const dockhand = await benchDockhand(ids);
  if (process.env.BENCH_ONLY_DOCKHAND) return console.log(JSON.stringify(dockhand));
  const swarm = await benchSwarm(ids.suffix);
  const shell = await benchShell(ids.suffix);
  const figures = {
    dockhand_s: dockhand.stopFirst,
    swarm_s: swarm.stopFirst,
    shell_s: shell,
    ratio: Math.round((dockhand.stopFirst / swarm.stopFirst) * 100) / 100,
    failed: dockhand.failed,
    dockhand_start_first_s: dockhand.startFirst,
    swarm_start_first_s: swarm.startFirst,
    ratio_start_first: Math.round((dockhand.startFirst / swarm.startFirst) * 100) / 100,
    requests: dockhand.requests,
    /** Requests through a dockhand-edge in front of Swarm's tasks (dnsrr; the mesh needs IPVS, absent
     * here); null when that edge did not answer, so nothing could be measured. */
    swarm_failed: swarm.failed,
    swarm_requests: swarm.requests,
  };
  console.log(JSON.stringify(figures));
}

async function benchDockhand(ids: ReturnType<typeof testIds>) {
  const service = `bench-dh-${ids.suffix}`;
  const { client, config } = await testClient(ids);
  const workers = await startWorkers(ids);
  const request = (image: string, extra: Partial<RollingUpdateRequest>): RollingUpdateRequest => ({
    service,
    host: ids.hostId,
    spec: { image: `dockhand-fixture-app:${image}`, init: true },
    monitor: `${MONITOR_S}s`,
    edge: { ports: [{ container: 80, hostIp: '127.0.0.1' }] },
    ...extra,
  });
  const roll = async (image: string, extra: Partial<RollingUpdateRequest>) =>
    rolloutOutcome(await startRollingUpdate(client, config, request(image, extra)));
  try {
    const times = { stopFirst: 0, startFirst: 0, failed: 0, requests: 0 };
    for (const order of ['stop-first', 'start-first'] as const) {
      log(`dockhand: ${REPLICAS} replicas on v1`);
      await roll('v1', { replicas: REPLICAS, parallelism: REPLICAS, monitor: 0 });
      const info = await docker.getContainer(`${service}-edge`).inspect();
      const url = `http://127.0.0.1:${info.NetworkSettings.Ports['80/tcp']![0]!.HostPort}/version`;
      log(`dockhand: v1 → v2, ${order}, parallelism 1, monitor ${MONITOR_S}s, requests through the edge`);
      let done = false;
      const started = Date.now();
      const rollout = roll('v2', { parallelism: 1, order }).finally(() => (done = true));
      const load = await loadUntil(url, () => done, { concurrency: 4, ratePerSec: 100 });
      const result = await rollout;
      const elapsed = seconds(Date.now() - started);
      if (process.env.BENCH_PROFILE)
        log(
          `dockhand ${order} profile:\n${formatProfile(profileHistory((await client.workflow.getHandle(serviceChangeId(service)).fetchHistory()).events ?? []))}`,
        );
      if (result.outcome !== 'updated')
        throw new Error(`dockhand rolling-update ${order} ended ${result.outcome}: ${result.reason}`);
      log(
        `dockhand ${order}: ${elapsed}s, ${load.total} requests, ${load.failedCount} failed ${load.failed.slice(0, 3).join('; ')}`,
      );
      times[order === 'stop-first' ? 'stopFirst' : 'startFirst'] = elapsed;
      times.failed += load.failedCount;
      times.requests += load.total;
    }
    return times;
  } finally {
    await workers.stop();
    await removeService(service);
    await removeNetwork(`${service}-net`);
  }
}

/**
 * Swarm's rolling update with requests through the same nginx edge image Dockhand uses. The routing
 * mesh (ingress) and service VIPs need IPVS, which this kernel lacks (no /proc/net/ip_vs): published
 * ports refuse connections. So the service runs with `--endpoint-mode dnsrr` on an attachable overlay
 * network, and a dockhand-edge container on that network resolves the service name per request
 * through Docker's DNS (resolver 127.0.0.11, valid 1 s) — Swarm takes a task out of DNS before it
 * stops it — with the same retries (proxy_next_upstream) as Dockhand's edge.
 */
async function benchSwarm(suffix: string) {
  const state = (await run('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
  const ownSwarm = state !== 'active';
  if (ownSwarm) {
    log('swarm: docker swarm init (left again at the end)');
    await run('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  }
  const service = `bench-swarm-${suffix}`;
  const [network, edge] = [`${service}-net`, `${service}-edge`];
  try {
    await run('docker', ['network', 'create', '--driver', 'overlay', '--attachable', network]);
    const times: { stopFirst: number; startFirst: number; failed: number | null; requests: number } = {
      stopFirst: 0,
      startFirst: 0,
      failed: 0,
      requests: 0,
    };
    for (const order of ['stop-first', 'start-first'] as const) {
      log(`swarm: ${REPLICAS} tasks on v1`);
      await run('docker', ['rm', '-f', edge]).catch(() => undefined);
      await run('docker', ['service', 'rm', service]).catch(() => undefined);
      await waitGone(service);
      await run(
        'docker',
        [
          'service',
          'create',
          '--detach=false',
          '--quiet',
          '--name',
          service,
          '--replicas',
          String(REPLICAS),
          '--init',
          ...HEALTH,
          '--network',
          network,
          '--endpoint-mode',
          'dnsrr',
          '--update-parallelism',
          '1',
          '--update-monitor',
          `${MONITOR_S}s`,
          '--update-order',
          order,
          '--update-failure-action',
          'rollback',
          '--update-delay',
          '0s',
          'dockhand-fixture-app:v1',
        ],
        { maxBuffer: 1 << 24 },
      );
      const url = await swarmEdge(edge, network, service);
      log(
        `swarm: docker service update v1 → v2, ${order}, ${url ? 'requests through a dockhand-edge in front of the tasks' : 'the edge in front of the tasks does not answer: no requests'}`,
      );
      let done = false;
      const started = Date.now();
      const update = run(
        'docker',
        ['service', 'update', '--detach=false', '--quiet', '--image', 'dockhand-fixture-app:v2', service],
        { maxBuffer: 1 << 24 },
      ).finally(() => (done = true));
      const load = url ? await loadUntil(url, () => done, { concurrency: 4, ratePerSec: 100 }) : undefined;
      await update;
      const elapsed = seconds(Date.now() - started);
      log(
        `swarm ${order}: ${elapsed}s${load ? `, ${load.total} requests, ${load.failedCount} failed ${load.failed.slice(0, 3).join('; ')}` : ''}`,
      );
      times[order === 'stop-first' ? 'stopFirst' : 'startFirst'] = elapsed;
      if (load && times.failed !== null) {
        times.failed += load.failedCount;
        times.requests += load.total;
      } else times.failed = null;
    }
    return times;
  } finally {
    await run('docker', ['rm', '-f', edge]).catch(() => undefined);
    await run('docker', ['service', 'rm', service]).catch(() => undefined);
    await waitGone(service);
    await removeNetwork(network);
    if (ownSwarm) {
      await run('docker', ['swarm', 'leave', '--force']).catch((e: Error) => log(`swarm leave failed: ${e.message}`));
      // swarm init creates docker_gwbridge and leave keeps it: remove it too, when nothing uses it.
      await run('docker', ['network', 'rm', 'docker_gwbridge']).catch(() => undefined);
    }
  }
}

/** The site config of the edge in front of the Swarm service: Dockhand's own proxy settings (both rolling
 * updates are measured through the same nginx), the service name resolved per request. */
function swarmEdgeConfig(service: string): string {
  return [
    'server {',
    '    listen 80 default_server;',
    '    location = /__edge/health { return 200 "ok\\n"; }',
    // A variable makes nginx resolve the name at request time (through the http-level resolver).
    `    set $swarm_service ${service};`,
    ...proxyLocation('http://$swarm_service:8080'),
    '}',
    '',
  ].join('\n');
}

/** Runs a dockhand-edge on the service's network in front of its tasks; its URL once it answers. */
async function swarmEdge(edge: string, network: string, service: string): Promise<string | undefined> {
  await run('docker', ['run', '-d', '--name', edge, '--network', network, '-p', '127.0.0.1::80', 'dockhand-edge:1']);
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      'docker',
      [
        'exec',
        '-i',
        edge,
        '/bin/busybox',
        'sh',
        '-c',
        'cat > /etc/nginx/conf.d/default.conf && nginx -t -q && nginx -s reload',
      ],
      (err: Error | null) => (err ? reject(err) : resolve()),
    );
    child.stdin!.end(swarmEdgeConfig(service));
  });
  const port = (await run('docker', ['port', edge, '80'])).stdout.trim().split('\n')[0]!.split(':').pop();
  return firstAnswering([`http://127.0.0.1:${port}/version`], 20_000);
}

async function benchShell(suffix: string): Promise<number> {
  const service = `bench-sh-${suffix}`;
  const network = `${service}-net`;
  try {
    log(`shell loop: ${REPLICAS} containers on v1`);
    await run('docker', ['network', 'create', network]);
    await Promise.all(
      Array.from({ length: REPLICAS }, (_, i) =>
        run('docker', [
          'run',
          '-d',
          '--name',
          `${service}-${i + 1}`,
          '--init',
          '--network',
          network,
          '--label',
          `dockhand.service=${service}`,
          'dockhand-fixture-app:v1',
        ]),
      ),
    );
    log(`shell loop: bench/rolling-update.sh v1 → v2 (stop, rm, run, poll until healthy, sleep ${MONITOR_S}s)`);
    const started = Date.now();
    await run('bash', [
      path.join(__dirname, 'rolling-update.sh'),
      service,
      'dockhand-fixture-app:v2',
      String(REPLICAS),
      network,
      String(MONITOR_S),
    ]);
    const elapsed = seconds(Date.now() - started);
    log(`shell loop: ${elapsed}s`);
    return elapsed;
  } finally {
    const names = Array.from({ length: REPLICAS }, (_, i) => `${service}-${i + 1}`);
    await run('docker', ['rm', '-f', ...names]).catch(() => undefined);
    await removeNetwork(network);
  }
}

/** The first of `urls` that answers 200 within `timeoutMs`. */
async function firstAnswering(urls: string[], timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const url of urls)
      if (
        await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.ok,
          () => false,
        )
      )
        return url;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

async function waitGone(service: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${service}`]);
    if (!stdout.trim()) return;
    await new Promise((r) => setTimeout(r, 300));
  }
}

export type { LoadReport };
