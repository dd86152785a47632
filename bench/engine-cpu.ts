import { readFileSync, statSync } from 'node:fs';
import { startBlueGreenDeploy } from '../client/blue-green';
import { killTestAgent, restartTestAgent, testHostsDown, testHostsUp, type TestHosts } from '../cli/lib/test-hosts';
import type { BlueGreenRequest } from '../common/blue-green';
import { testClient } from '../test/support/temporal';
import { startWorker, testIds } from '../test/support/workers';
import { activitySpans, callsPerActivity, engineCallsOf } from './lib/engine-calls';
import { engineProcesses, processTree, startCpuMeter } from './lib/engine-cpu';
import { PATIENT_HEALTHCHECK } from './lib/fixture-app';
import { peerStep, setUpPeer, type PeerSite } from './lib/fleet-docker-peer';

const ROUNDS = Number(process.env.ENGINE_CPU_ROUNDS ?? 4);
const IDLE_MS = 10_000;
/** Measured past a deploy's end: work the engine finishes after the last answer (a shim's exit) counts. */
const TAIL_MS = 2_000;
const EDGE_PORT = 22161;
const PEER_EDGE_PORT = 22162;

/**
 * How much CPU one host's blue-green deploy v1 ⇄ v2 costs the engine (dockerd, containerd, the
 * containers' shims with the runc and health-check processes they reap) and the client driving it:
 * Dockhand's host agent for a single-host deploy as bench/fleet.ts runs it (approval skipped, no bake),
 * the docker CLI for bench/fleet-host.sh, one after the other on one test host engine, ROUNDS times
 * each, alternating the direction. CPU ticks, not wall time: other work on the machine does not change
 * them. The idle rate of the same engine (health checks of both services' containers), measured
 * before each round, is taken off each window. No load through the edges.
 * Names and addresses of its own: "fcpu", blocks 160–161, ports 22160–22162.
 */
export async function main(): Promise<void> {
  const ids = testIds('bench-ecpu');
  const options = {
    name: 'fcpu',
    count: 1,
    firstBlock: 161,
    registryBlock: 160,
    registryPort: 22160,
    hostIdPrefix: `${ids.hostId}-`,
    images: ['dockhand-fixture-app:v1', 'dockhand-fixture-app:v2', 'dockhand-edge:1'],
    agentEnv: {
      DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue,
      DOCKHAND_HOST_REGISTRY: ids.orchestratorQueue,
      DOCKHAND_EVENTS_PUBLISH: '0',
    },
    log: (l: string) => console.log(`[bench] ${l}`),
  };
  const { client, config } = await testClient(ids);
  const orchestrator = startWorker('orchestrator', ids);
  try {
    const [up] = await Promise.all([testHostsUp(options), orchestrator.ready]);
    const image = (v: string) => `${up.registry}/dockhand-fixture-app:${v}`;
    const deploy = async (version: string) => {
      const handle = await startBlueGreenDeploy(client, config, singleHostRequest(up, ids.suffix, version));
      await handle.result();
      return handle.workflowId;
    };
    const peer: PeerSite = { engine: up.hosts[0]!.engine, service: `ecpu-dk-${ids.suffix}`, port: PEER_EDGE_PORT };
    await Promise.all([deploy('v1'), setUpPeer(peer, { v1: image('v1'), edge: `${up.registry}/dockhand-edge:1` })]);
    const meter = groupsOf(up);
    const rows: Row[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const version = i % 2 === 0 ? 'v2' : 'v1';
      const idle = await measure(meter, () => sleep(IDLE_MS));
      const dockhand = await measure(meter, () => deploy(version));
      const plain = await measure(meter, () => peerStep([peer], image(version), i % 2 === 1));
      rows.push(net('dockhand', dockhand, idle), net('docker', plain, idle));
      const rate = (t: number) => Number(((t / idle.seconds) * 1).toFixed(1));
      console.log(
        `[bench] round ${i + 1} (idle ticks/s: engine ${rate(idle.ticks.engine)}, agent ${rate(idle.ticks.agent)}): ${JSON.stringify(rows.slice(-2))}`,
      );
    }
    console.log(JSON.stringify({ rounds: ROUNDS, ...medians(rows) }));
    // One more deploy with the agent logging every Engine request (not measured: the logging costs CPU).
    await killTestAgent(options, 0);
    await restartTestAgent({ ...options, agentEnv: { ...options.agentEnv, DEBUG: 'modem' } }, up, 0);
    const logFrom = statSync(up.hosts[0]!.agentLog).size;
    const workflowId = await deploy(ROUNDS % 2 === 0 ? 'v2' : 'v1');
    const calls = engineCallsOf(readFileSync(up.hosts[0]!.agentLog).subarray(logFrom).toString('utf8'));
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    console.log(`[bench] Engine requests of one deploy (${calls.length}), per activity:`);
    for (const line of callsPerActivity(calls, activitySpans(events))) console.log(`  ${line}`);
  } finally {
    await orchestrator.stop();
    await testHostsDown(options);
  }
}

function singleHostRequest(up: TestHosts, suffix: string, version: string): BlueGreenRequest {
  return {
    service: `ecpu-${suffix}`,
    host: up.hosts[0]!.hostId,
    spec: {
      image: `${up.registry}/dockhand-fixture-app:${version}`,
      init: true,
      healthcheck: PATIENT_HEALTHCHECK,
    },
    appPort: 8080,
    approval: { required: false },
    bakeMs: 0,
    verifyPath: '/health',
    edge: { image: `${up.registry}/dockhand-edge:1`, port: EDGE_PORT, hostIp: '0.0.0.0' },
  };
}

/** The engine's processes, the host agent's, and what this process reaps (the peer's script and CLI). */
function groupsOf(up: TestHosts) {
  const agent = Number(readFileSync(`/run/dockhand/${up.hosts[0]!.engine.name}-agent.pid`, 'utf8').trim());
  return {
    engine: engineProcesses(up.hosts[0]!.engine.name),
    agent: processTree(agent),
  };
}

type Groups = ReturnType<typeof groupsOf>;
interface Window {
  ticks: Record<keyof Groups, number>;
  /** Ticks of the children this process reaped: the peer's script and its docker CLI calls. */
  cli: number;
  seconds: number;
}

async function measure(groups: Groups, work: () => Promise<unknown>): Promise<Window> {
  const t0 = Date.now();
  const cli0 = reapedTicks();
  const meter = startCpuMeter(groups);
  await work();
  await sleep(TAIL_MS);
  const ticks = meter.stop();
  return { ticks, cli: reapedTicks() - cli0, seconds: (Date.now() - t0) / 1000 };
}

/** cutime + cstime of this process (fields 16–17 of its stat). */
function reapedTicks(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ').map(Number);
  return f[13]! + f[14]!;
}

interface Row {
  who: 'dockhand' | 'docker';
  /** Engine ticks less the idle rate over the same time. */
  engine: number;
  /** The client's ticks: the host agent's (less its idle rate) or the docker CLI's. */
  client: number;
  seconds: number;
}

function net(who: Row['who'], w: Window, idle: Window): Row {
  const idleOver = (ticks: number) => (ticks / idle.seconds) * w.seconds;
  return {
    who,
    engine: Math.round(w.ticks.engine - idleOver(idle.ticks.engine)),
    client: Math.round(who === 'dockhand' ? w.ticks.agent - idleOver(idle.ticks.agent) : w.cli),
    seconds: Number(w.seconds.toFixed(2)),
  };
}

function medians(rows: Row[]) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const of = (who: Row['who']) => {
    const r = rows.filter((x) => x.who === who);
    return {
      engine_ticks: median(r.map((x) => x.engine)),
      client_ticks: median(r.map((x) => x.client)),
      engine_all: r.map((x) => x.engine),
      client_all: r.map((x) => x.client),
    };
  };
  const dockhand = of('dockhand');
  const docker = of('docker');
  return {
    dockhand,
    docker,
    engine_ratio: Number((dockhand.engine_ticks / docker.engine_ticks).toFixed(2)),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
