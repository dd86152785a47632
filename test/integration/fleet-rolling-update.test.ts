import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetRollingUpdate, type FleetRollingHandle } from '../../client/fleet-rolling';
import { testHostsDown, testHostsUp, type TestHosts } from '../../cli/lib/test-hosts';
import type { DockhandConfig } from '../../common/config';
import { fleetRollingStatusQuery, hostRolloutId, type FleetRollingRequest } from '../../common/fleet-rolling';
import { rollingUpdateStatusQuery } from '../../common/rolling-update';
import { patientHealthcheck } from '../support/blue-green';
import { startLoad, type LoadReport } from '../support/load';
import { testClient } from '../support/temporal';
import { waitFor } from '../support/wait';
import { ownTestHosts } from '../support/test-hosts';
import { startWorker, testIds } from '../support/workers';

// Three real Docker hosts (engines in network namespaces of their own, one agent each) and the registry,
// under this file's own names ("fr", blocks 121–124, registry port 22121). One rolling service of two
// replicas on each host behind the host's own edge, published on the namespace's address; load through
// every edge while the fleet rolls. The decisions (waves, approval, all or none) are
// test/unit/fleet/fleet-rolling-workflow.test.ts; this file proves them on real engines, lean.
const ids = testIds('frl');
const NAME = 'fr';
const EDGE_PORT = 22190;
const options = ownTestHosts(ids, {
  name: NAME,
  count: 3,
  firstBlock: 122,
  registryBlock: 121,
  registryPort: 22121,
  images: ['dockhand-fixture-app:v1', 'dockhand-fixture-app:v2', 'dockhand-fixture-app:broken', 'dockhand-edge:1'],
});
const service = `frl-${ids.suffix}`;
let up: TestHosts;
let client: Client;
let config: DockhandConfig;
let orchestrator: ReturnType<typeof startWorker>;

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  orchestrator = startWorker('orchestrator', ids);
  [up] = await Promise.all([testHostsUp(options), orchestrator.ready]);
}, 300_000);

afterAll(async () => {
  await orchestrator?.stop();
  await testHostsDown(options);
}, 120_000);

const image = (name: string) => `${up.registry}/${name}`;

function request(version: string): FleetRollingRequest {
  return {
    service,
    hosts: up.hosts.map((h) => h.hostId),
    spec: { image: image(`dockhand-fixture-app:${version}`), init: true, healthcheck: patientHealthcheck },
    replicas: 2,
    order: 'start-first',
    monitor: 2000,
    healthTimeout: 30_000,
    // Published on every address of the host's namespace: reachable from here at its veth address.
    edge: {
      image: image('dockhand-edge:1'),
      targetPort: 8080,
      ports: [{ container: 80, host: EDGE_PORT, hostIp: '0.0.0.0' }],
      // The edge image's own check (2 s timeout) fails on a machine this loaded: the same check, patient.
      healthcheck: {
        ...patientHealthcheck,
        test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/__edge/health'],
      },
    },
  };
}

async function outcome(handle: FleetRollingHandle) {
  try {
    return { result: await handle.result() };
  } catch (e) {
    if (!(e instanceof WorkflowFailedError)) throw e;
    return { error: e.cause as ApplicationFailure };
  }
}

/** What each host's edge answers on /version, and the service's containers with their images on each engine. */
async function fleetState() {
  return Promise.all(
    up.hosts.map(async (h) => {
      const res = await fetch(`http://${h.engine.address}:${EDGE_PORT}/version`);
      const ps = await h.engine.docker([
        'ps',
        '-a',
        '--filter',
        `label=dockhand.service=${service}`,
        '--format',
        '{{.Names}} {{.Image}} {{.State}}',
      ]);
      return { version: (await res.text()).trim(), containers: ps.trim().split('\n').sort() };
    }),
  );
}

const onEveryHost = (version: string) =>
  up.hosts.map(() => ({
    version,
    containers: [
      `${service}-1 ${image(`dockhand-fixture-app:${version}`)} running`,
      `${service}-2 ${image(`dockhand-fixture-app:${version}`)} running`,
      `${service}-edge ${image('dockhand-edge:1')} running`,
    ],
  }));

/** Load through every host's edge while `body` runs. */
async function underLoad(body: () => Promise<void>): Promise<LoadReport[]> {
  const loads = up.hosts.map((h) => startLoad(`http://${h.engine.address}:${EDGE_PORT}/version`, 10));
  try {
    await body();
  } finally {
    await new Promise((r) => setTimeout(r, 500));
  }
  return Promise.all(loads.map((l) => l.stop()));
}

describe('fleet rolling update on three real hosts', () => {
  it('first rollout creates v1 everywhere; then host 3 fails after hosts 1–2 rolled: every host back on v1, 0 failed', async () => {
    const first = await outcome(await startFleetRollingUpdate(client, config, request('v1')));
    expect(first.error).toBeUndefined();
    expect(await fleetState()).toEqual(onEveryHost('v1'));
    // Host 3 gets other bytes under the v2 tag once the fleet has pulled (a bad image on that host only).
    const host3 = up.hosts[2]!.engine;
    await host3.docker(['pull', image('dockhand-fixture-app:broken')]);
    const handle = await startFleetRollingUpdate(client, config, request('v2'));
    const reports = await underLoad(async () => {
      await waitFor(async () => (await handle.query(fleetRollingStatusQuery)).phase === 'rolling', 120_000, 'rolling');
      await host3.docker(['tag', image('dockhand-fixture-app:broken'), image('dockhand-fixture-app:v2')]);
      const r = await outcome(handle);
      expect(r.error?.type).toBe('DockhandFleetHostFailed');
      expect(r.error?.message).toContain(`host ${up.hosts[2]!.hostId}: `);
    });
    expect(reports.map((r) => r.failed)).toEqual([0, 0, 0]);
    // Hosts 1 and 2 had served v2 (and, replica by replica, v1 beside it) before host 3 failed; every
    // edge ends on v1.
    const seen = (r: LoadReport) => [...new Set(r.sequence)].sort();
    expect(reports.map(seen)).toEqual([['v1\n', 'v2\n'], ['v1\n', 'v2\n'], ['v1\n']]);
    expect(reports.map((r) => r.sequence.at(-1))).toEqual(['v1\n', 'v1\n', 'v1\n']);
    const status = await handle.query(fleetRollingStatusQuery);
    expect(status.hosts.map((h) => h.step)).toEqual(['rolled back', 'rolled back', 'rolled back']);
    expect(await fleetState()).toEqual(onEveryHost('v1'));
  }, 420_000);

  it('v1 → v2 under load through every edge: every host on v2 (the digest the registry has), 0 failed', async () => {
    let digest: string | undefined;
    const reports = await underLoad(async () => {
      const r = await outcome(await startFleetRollingUpdate(client, config, request('v2')));
      expect(r.error).toBeUndefined();
      expect(r.result!.hosts.map((h) => h.result.outcome)).toEqual(['updated', 'updated', 'updated']);
      digest = r.result!.digest;
    });
    // A failed request says what it got and when (the cause is what a flake leaves to go on).
    const failures = reports.flatMap((r, host) =>
      r.samples
        .filter((x) => x.error || x.status !== 200)
        .map(
          (x) => `host ${host + 1} at ${new Date(x.sentAt).toISOString()}: ${x.error ?? `HTTP ${x.status} ${x.body}`}`,
        ),
    );
    expect(
      reports.map((r) => `${r.failed}/${r.requests}`),
      failures.join('\n'),
    ).toEqual(reports.map((r) => `0/${r.requests}`));
    // Replica by replica each edge serves v1 and v2 side by side, then v2 only.
    for (const r of reports) expect([r.sequence[0], r.sequence.at(-1)]).toEqual(['v1\n', 'v2\n']);
    expect(digest).toBe(up.pushed.find((p) => p.source === 'dockhand-fixture-app:v2')!.digest);
    expect(await fleetState()).toEqual(onEveryHost('v2'));
  }, 300_000);

  it('orchestrator SIGKILLed while host 2 rolls its first batch: resumes at the same host and batch, every replica on every host on v1', async () => {
    // From v2 (the test before) back to v1, one host at a time: host 1 holds while host 2 rolls.
    const handle = await startFleetRollingUpdate(client, config, request('v1'));
    const host2 = client.workflow.getHandle(hostRolloutId(service, up.hosts[1]!.hostId));
    const reports = await underLoad(async () => {
      await waitFor(
        async () => {
          const s = await host2.query(rollingUpdateStatusQuery).catch(() => undefined);
          return s?.phase === 'updating' && s.currentBatch === 1;
        },
        180_000,
        "host 2's first batch",
      );
      const before = await handle.query(fleetRollingStatusQuery);
      expect(before.hosts.map((h) => h.step)).toEqual(['held', 'rolling', 'pulled']);
      await orchestrator.crash();
      orchestrator = startWorker('orchestrator', ids);
      await orchestrator.ready;
      // The same host and batch, host 1 not redone: the history decides, not a fresh start.
      const after = await handle.query(fleetRollingStatusQuery);
      expect(after.hosts[0]).toEqual(before.hosts[0]);
      expect(after.hosts[1]!.step).toMatch(/^(rolling|held)$/);
      const batch = (await host2.query(rollingUpdateStatusQuery)).currentBatch;
      expect([1, 2]).toContain(batch);
      const r = await outcome(handle);
      expect(r.error).toBeUndefined();
      expect(r.result!.hosts.map((h) => h.result.outcome)).toEqual(['updated', 'updated', 'updated']);
    });
    expect(reports.map((r) => r.failed)).toEqual([0, 0, 0]);
    expect(await fleetState()).toEqual(onEveryHost('v1'));
  }, 420_000);
});
