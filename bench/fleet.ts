import type { Client } from '@temporalio/client';
import { startBlueGreenDeploy } from '../client/blue-green';
import { startFleetBlueGreenDeploy } from '../client/fleet-blue-green';
import { startFleetRollingUpdate } from '../client/fleet-rolling';
import { startRollingUpdate } from '../client/rolling-update';
import { runStack } from '../cli/lib/processes';
import { testHostsDown, testHostsUp, type TestHosts } from '../cli/lib/test-hosts';
import type { BlueGreenRequest } from '../common/blue-green';
import type { DockhandConfig } from '../common/config';
import { fleetStatusQuery, type FleetBlueGreenRequest } from '../common/fleet-blue-green';
import type { FleetRollingRequest } from '../common/fleet-rolling';
import { approveUpdate } from '../common/signals';
import { startLoad, type LoadReport } from '../test/support/load';
import { clientAs, testClient } from '../test/support/temporal';
import { ownTestHosts } from '../test/support/test-hosts';
import { waitFor } from '../test/support/wait';
import { startWorker, testIds } from '../test/support/workers';
import { PATIENT_HEALTHCHECK } from './lib/fixture-app';
import { formatPhaseMedians, hostPhases, slowestHost, type DeployPhases } from './lib/deploy-phases';
import { formatLanes, historyLanes } from './lib/history-lanes';
import { formatProfile, profileHistory } from './lib/history-profile';
import { peerStep, peerUrl, setUpPeer, type PeerSite } from './lib/fleet-docker-peer';
import { pairedSummary } from './lib/paired-rounds';

const RATE = 20; // requests per second through each edge
/** Pairs of timed deploys (fleet and single host); the figures are their medians. */
const ROUNDS = Number(process.env.FLEET_ROUNDS ?? 5);
const EDGE_PORT = 22280;
const SINGLE_EDGE_PORT = 22281;
const ROLLING_EDGE_PORT = 22282;
const ROLLING_SINGLE_EDGE_PORT = 22283;
const DOCKER_EDGE_PORT = 22284;
const DOCKER_SINGLE_EDGE_PORT = 22285;

/**
 * A fleet blue-green deploy v1 → v2 on 3 real hosts (engines in network namespaces, an agent each, the
 * images from the registry), boot limit = all, load on every edge; beside it, in the same run, the same
 * deploy on one host (single_host_s). First the all-or-none case: a v1 → v2 deploy whose new color on
 * host 3 breaks at switch time must end with every host on v1 (all_or_none_ok); rollback_s is the time
 * from the failure (the fleet enters `compensating`) to the last host switched back (`failed`). Then
 * FLEET_ROUNDS (5) rounds, each timing the single-host and the fleet deploy back to back (v1 → v2, then
 * back; which goes first alternates): fleet_s and single_host_s are medians, ratio the median of the
 * rounds' ratios (one pair of runs swung 1.28–1.69 on this machine), ratio_interval where the true median
 * lies with 95 % confidence (with few rounds: their whole range, trusted as far as interval_coverage
 * says). `npm run bench -- fleet-pool <logs…>` pools the rounds of several runs.
 * The rolling mode, in the same run: a fleet rolling update v1 → v2 of 2 replicas on each of the 3 hosts (all
 * hosts at once) against the same rollout on one host (rolling_fleet_s, rolling_single_host_s), load on
 * every edge (rolling_failed).
 * The plain-docker peer, in the same run: the same per-host engine steps by the docker CLI
 * (bench/fleet-host.sh: run the new color, wait for its health, one exec that points the edge at it and
 * reloads, remove the old) on one engine (docker_single_s), then on the three at once (docker_fleet_s), in
 * rounds as Dockhand's: what going from 1 to 3 engines costs on this machine without Dockhand (docker_ratio).
 * Names and addresses of its own: "fbn", blocks 117–120, ports 22117/22280–22285.
 */
export async function main(): Promise<void> {
  await runStack('up');
  const ids = testIds('bench-fleet');
  const options = ownTestHosts(ids, {
    name: 'fbn',
    count: 3,
    firstBlock: 118,
    registryBlock: 117,
    registryPort: 22117,
    images: ['dockhand-fixture-app:v1', 'dockhand-fixture-app:v2', 'dockhand-edge:1'],
    log: (l: string) => console.log(`[bench] ${l}`),
  });
  const { client, config } = await testClient(ids);
  const orchestrator = startWorker('orchestrator', ids);
  try {
    const [up] = await Promise.all([testHostsUp(options), orchestrator.ready]);
    const b = new FleetBench(client, config, up, `bench-fleet-${ids.suffix}`);
    console.log('[bench] first deploy of v1 on every host, and on one host for the single-host run');
    await b.fleet('v1');
    await b.single('v1');
    console.log('[bench] all or none: v1 → v2 with host 3 broken at switch time');
    const allOrNone = await b.brokenHost3();
    console.log(
      `[bench] all or none: ok=${allOrNone.ok} rollback_s=${allOrNone.rollbackS} ${summary(allOrNone.reports)}`,
    );
    const rounds = await b.pairedRounds();
    console.log('[bench] plain docker: bench/fleet-host.sh on one engine, then on the three at once, in rounds');
    const plain = await b.dockerPeer();
    console.log('[bench] rolling: first rollout of v1, on every host and on one host');
    await b.rollingFleet('v1');
    await b.rollingSingle('v1');
    console.log('[bench] rolling, single host: v1 → v2');
    const rollingSingle = await b.timed(() => b.rollingSingle('v2'), [b.rollingUrls(ROLLING_SINGLE_EDGE_PORT)[0]!]);
    console.log(`[bench] rolling, single host: ${rollingSingle.seconds}s ${summary(rollingSingle.reports)}`);
    console.log('[bench] rolling, fleet: v1 → v2 on 3 hosts under load');
    const rollingFleet = await b.timed(() => b.rollingFleet('v2'), b.rollingUrls(ROLLING_EDGE_PORT));
    console.log(`[bench] rolling, fleet: ${rollingFleet.seconds}s ${summary(rollingFleet.reports)}`);
    const fleetReports = rounds.flatMap((r) => r.fleet.reports);
    const requests = fleetReports.reduce((n, r) => n + r.requests, 0);
    const failed = [...fleetReports, ...allOrNone.reports].reduce((n, r) => n + r.failed, 0);
    const dockhand = pairedSummary(rounds.map((r) => ({ fleet: r.fleet.seconds, single: r.single.seconds })));
    const docker = pairedSummary(plain.map((r) => ({ fleet: r.fleet.seconds, single: r.single.seconds })));
    console.log(
      JSON.stringify({
        hosts: 3,
        requests,
        failed,
        rounds: ROUNDS,
        fleet_s: dockhand.fleet,
        single_host_s: dockhand.single,
        ratio: dockhand.ratio,
        ratios: dockhand.ratios,
        ratio_interval: dockhand.interval,
        interval_coverage: dockhand.coverage,
        all_or_none_ok: allOrNone.ok,
        rollback_s: allOrNone.rollbackS,
        rolling_fleet_s: rollingFleet.seconds,
        rolling_single_host_s: rollingSingle.seconds,
        rolling_ratio: Number((rollingFleet.seconds / rollingSingle.seconds).toFixed(2)),
        rolling_failed: [...rollingFleet.reports, ...rollingSingle.reports].reduce((n, r) => n + r.failed, 0),
        docker_single_s: docker.single,
        docker_fleet_s: docker.fleet,
        docker_ratio: docker.ratio,
        docker_ratios: docker.ratios,
        docker_ratio_interval: docker.interval,
      }),
    );
  } finally {
    await orchestrator.stop();
    await testHostsDown(options);
  }
}

class FleetBench {
  constructor(
    private readonly client: Client,
    private readonly config: DockhandConfig,
    private readonly up: TestHosts,
    private readonly service: string,
  ) {}

  private image(name: string) {
    return `${this.up.registry}/${name}`;
  }

  private request(version: string, extra: Partial<FleetBlueGreenRequest> = {}): FleetBlueGreenRequest {
    return {
      service: this.service,
      hosts: this.up.hosts.map((h) => h.hostId),
      spec: { image: this.image(`dockhand-fixture-app:${version}`), init: true, healthcheck: PATIENT_HEALTHCHECK },
      appPort: 8080,
      approval: { required: false },
      bakeMs: 0,
      verifyPath: '/health',
      edge: { image: this.image('dockhand-edge:1'), port: EDGE_PORT, hostIp: '0.0.0.0' },
      ...extra,
    };
  }

  fleetUrls() {
    return this.up.hosts.map((h) => `http://${h.engine.address}:${EDGE_PORT}/version`);
  }

  singleUrl() {
    return `http://${this.up.hosts[0]!.engine.address}:${SINGLE_EDGE_PORT}/version`;
  }

  async fleet(version: string): Promise<string> {
    const handle = await startFleetBlueGreenDeploy(this.client, this.config, this.request(version));
    await handle.result();
    return handle.workflowId;
  }

  /** The same deploy on host 1 only, as its own service behind its own edge. */
  async single(version: string): Promise<string> {
    const {
      hosts: _h,
      bootLimit: _b,
      hostLoss: _l,
      ...one
    } = this.request(version, {
      edge: { image: this.image('dockhand-edge:1'), port: SINGLE_EDGE_PORT, hostIp: '0.0.0.0' },
    });
    const request: BlueGreenRequest = { ...one, service: `${this.service}-one`, host: this.up.hosts[0]!.hostId };
    const handle = await startBlueGreenDeploy(this.client, this.config, request);
    await handle.result();
    return handle.workflowId;
  }

  /** Where a deploy's wall time went: per activity type, then what each host's agent ran when. */
  async profile(workflowId: string): Promise<string> {
    const events = await this.events(workflowId);
    return `${formatProfile(profileHistory(events))}\n${formatLanes(historyLanes(events))}`;
  }

  /** A deploy's phases on its slowest host (see bench/lib/deploy-phases.ts). */
  async phases(workflowId: string): Promise<DeployPhases> {
    return slowestHost(hostPhases(historyLanes(await this.events(workflowId))));
  }

  private async events(workflowId: string) {
    return (await this.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  }

  private rollingRequest(version: string): FleetRollingRequest {
    return {
      service: `${this.service}-roll`,
      hosts: this.up.hosts.map((h) => h.hostId),
      spec: { image: this.image(`dockhand-fixture-app:${version}`), init: true, healthcheck: PATIENT_HEALTHCHECK },
      replicas: 2,
      order: 'start-first',
      maxHostsAtOnce: '100%',
      edge: {
        image: this.image('dockhand-edge:1'),
        targetPort: 8080,
        ports: [{ container: 80, host: ROLLING_EDGE_PORT, hostIp: '0.0.0.0' }],
        // The edge image's own check (2 s timeout) fails on a machine this loaded: the same check, patient.
        healthcheck: {
          ...PATIENT_HEALTHCHECK,
          test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/__edge/health'],
        },
      },
    };
  }

  rollingUrls(port: number) {
    return this.up.hosts.map((h) => `http://${h.engine.address}:${port}/version`);
  }

  async rollingFleet(version: string): Promise<void> {
    await (await startFleetRollingUpdate(this.client, this.config, this.rollingRequest(version))).result();
  }

  /** The same rollout on host 1 only, as its own service behind its own edge. */
  async rollingSingle(version: string): Promise<void> {
    const { hosts: _h, maxHostsAtOnce: _m, ...one } = this.rollingRequest(version);
    await (
      await startRollingUpdate(this.client, this.config, {
        ...one,
        service: `${this.service}-roll-one`,
        host: this.up.hosts[0]!.hostId,
        edge: { ...one.edge, ports: [{ container: 80, host: ROLLING_SINGLE_EDGE_PORT, hostIp: '0.0.0.0' }] },
      })
    ).result();
  }

  /** ROUNDS pairs of the same deploy on one host and on the fleet (see inRounds); the first round prints
   * where each deploy's time went, and the last each phase's medians, single host against fleet. */
  async pairedRounds() {
    const phases: Array<{ single: DeployPhases; fleet: DeployPhases }> = [];
    const rounds = await inRounds(
      (to) => ({
        single: () => this.timed(() => this.single(to), [this.singleUrl()], to),
        fleet: () => this.timed(() => this.fleet(to), this.fleetUrls(), to),
      }),
      async (i, r) => {
        console.log(`[bench] round ${i + 1} (→ ${r.to}): single host ${said(r.single)}; fleet ${said(r.fleet)}`);
        phases.push({ single: await this.phases(r.single.workflowId), fleet: await this.phases(r.fleet.workflowId) });
        if (i > 0) return;
        console.log(`[bench] single host profile:\n${await this.profile(r.single.workflowId)}`);
        console.log(`[bench] fleet profile:\n${await this.profile(r.fleet.workflowId)}`);
      },
    );
    console.log(`[bench] phases:\n${formatPhaseMedians(phases)}`);
    return rounds;
  }

  /** The plain-docker peer: its own service on every engine and one more on host 1 (as the single-host
   * deploy has), all set up first; then, in ROUNDS rounds as Dockhand's, v1 → v2 (then back) on host 1
   * alone and on the three at once, each timed under the same load as Dockhand's deploys. */
  async dockerPeer() {
    const one: PeerSite = {
      engine: this.up.hosts[0]!.engine,
      service: `${this.service}-dk-one`,
      port: DOCKER_SINGLE_EDGE_PORT,
    };
    const all: PeerSite[] = this.up.hosts.map((h) => ({
      engine: h.engine,
      service: `${this.service}-dk`,
      port: DOCKER_EDGE_PORT,
    }));
    const images = { v1: this.image('dockhand-fixture-app:v1'), edge: this.image('dockhand-edge:1') };
    await Promise.all([one, ...all].map((s) => setUpPeer(s, images)));
    return inRounds(
      (to) => {
        const image = this.image(`dockhand-fixture-app:${to}`);
        const back = to === 'v1';
        return {
          single: () => this.timed(() => peerStep([one], image, back), [peerUrl(one)], to),
          fleet: () => this.timed(() => peerStep(all, image, back), all.map(peerUrl), to),
        };
      },
      (i, r) =>
        console.log(`[bench] plain docker round ${i + 1}: one engine ${said(r.single)}; three ${said(r.fleet)}`),
    );
  }

  /** Runs `deploy` with load on `urls` (switching to `to`); its duration in seconds and the load reports. */
  async timed<T>(deploy: () => Promise<T>, urls: string[], to = 'v2'): Promise<Timed<T>> {
    const loads = urls.map((u) => startLoad(u, RATE, to));
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = Date.now();
    const workflowId = await deploy();
    const seconds = Number(((Date.now() - t0) / 1000).toFixed(2));
    await new Promise((r) => setTimeout(r, 1000)); // answers of the last moments count too
    return { seconds, reports: await Promise.all(loads.map((l) => l.stop())), workflowId };
  }

  /** v1 → v2 whose new color on host 3 stops answering its verify path right before the switch. */
  async brokenHost3(): Promise<{ ok: boolean; rollbackS: number; reports: LoadReport[] }> {
    const handle = await startFleetBlueGreenDeploy(
      this.client,
      this.config,
      this.request('v2', { approval: { required: true, timeoutMs: 600_000 } }),
    );
    const loads = this.fleetUrls().map((u) => startLoad(u, RATE));
    await waitFor(
      async () => (await handle.query(fleetStatusQuery)).phase === 'awaiting-approval',
      300_000,
      'the approval',
    );
    const next = (await handle.query(fleetStatusQuery)).hosts[2]!.details.split(' ')[0]!;
    await this.up.hosts[2]!.engine.docker(['exec', next, '/bin/busybox', 'rm', '/www/health']);
    await clientAs(this.client, 'bench-approver')
      .workflow.getHandle(handle.workflowId)
      .executeUpdate(approveUpdate, {
        args: [{ comment: 'bench: all or none' }],
      });
    const failed = await handle.result().then(
      () => false,
      () => true,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const reports = await Promise.all(loads.map((l) => l.stop()));
    const { phases } = await handle.query(fleetStatusQuery);
    const at = (p: string) => Date.parse(phases.find((x) => x.phase === p)?.at ?? '');
    const versions = await Promise.all(this.fleetUrls().map((u) => fetch(u).then((r) => r.text())));
    const containers = await Promise.all(
      this.up.hosts.map((h) =>
        h.engine.docker(['ps', '-a', '--format', '{{.Names}}', '--filter', `label=dockhand.service=${this.service}`]),
      ),
    );
    const ok =
      failed && versions.every((v) => v.trim() === 'v1') && containers.every((c) => c.trim().split('\n').length === 2);
    // The last host serving v1 again: the last v2 answer through any edge after the failure.
    const v2At = reports.flatMap((r) => r.samples.filter((x) => x.body.trim() === 'v2').map((x) => x.sentAt));
    const rollbackS = Math.max(0, (Math.max(...v2At) - at('compensating')) / 1000);
    return { ok, rollbackS: Number(rollbackS.toFixed(2)), reports };
  }
}

interface Timed<T = string> {
  seconds: number;
  reports: LoadReport[];
  workflowId: T;
}

/** ROUNDS rounds of a single-host run and a fleet run back to back, v1 → v2 then back, which of the two
 * goes first alternating (a drift of the machine favours neither); `report` sees each round as it ends. */
async function inRounds<T>(
  pair: (to: 'v1' | 'v2') => { single: () => Promise<Timed<T>>; fleet: () => Promise<Timed<T>> },
  report: (i: number, round: { to: string; single: Timed<T>; fleet: Timed<T> }) => void | Promise<void>,
) {
  const rounds: Array<{ to: string; single: Timed<T>; fleet: Timed<T> }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const to = i % 2 === 0 ? 'v2' : 'v1';
    const { single, fleet } = pair(to);
    // Properties are evaluated in the order written: this is which run goes first.
    const round =
      i % 2 === 0
        ? { to, single: await single(), fleet: await fleet() }
        : { to, fleet: await fleet(), single: await single() };
    await report(i, round);
    rounds.push(round);
  }
  return rounds;
}

/** "2.6s 0/92 (max 38 ms)": a timed run's seconds and its load. */
const said = (t: Timed<unknown>) => `${t.seconds}s ${summary(t.reports)}`;

/** Requests, failures and what the failures were, per edge: "0/900 (max 120 ms), …; failures: timeout ×2". */
function summary(reports: LoadReport[]): string {
  const causes = new Map<string, number>();
  for (const r of reports)
    for (const x of r.samples) {
      if (!x.error && x.status === 200) continue;
      const cause = x.error ?? `HTTP ${x.status}`;
      causes.set(cause, (causes.get(cause) ?? 0) + 1);
    }
  const edges = reports.map((r) => `${r.failed}/${r.requests} (max ${r.maxLatencyMs} ms)`).join(', ');
  return `${edges}${causes.size ? `; failures: ${[...causes].map(([c, k]) => `${c} ×${k}`).join(', ')}` : ''}`;
}
