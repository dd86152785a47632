import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Redis } from 'ioredis';
import { createHostActivities } from '../../activities';
import { collectScanData } from '../../activities/scan/collect';
import { enabledRules, evaluate, neededSources } from '../../activities/scan/evaluate';
import { ImageCache } from '../../activities/scan/image-cache';
import { available } from '../../activities/scan/scan-data';
import { readKnownHosts } from '../../activities/hosts/host-registry';
import { startSecurityScan } from '../../client/security-scan';
import type { DockhandConfig } from '../../common/config';
import { hostRegistryKey } from '../../common/hosts/host-registry';
import type { ScanReport } from '../../common/scan/report';
import type { ScanRequest } from '../../common/scan/scan-input';
import type { SecurityScanResult } from '../../common/scan/scan-result';
import { hostTaskQueue } from '../../common/task-queues';
import { docker } from '../support/docker';
import { hardenedConfig, removeLabelled, SCAN_TEST_LABEL, startContainer } from '../support/scan-fixtures';
import { testClient } from '../support/temporal';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';
import { runCli } from '../support/cli';
import { waitUntil } from '../support/wait';

// Scans across hosts: the host registry (no hosts given = every registered agent, a killed one reported
// down), a container that vanishes between listing and scanning, and a privileged exec session.
const ids = testIds('scanfleet');
/** A second, real host agent (same engine, its own id and queue) that registers and is then killed. */
const second = { hostId: `scanfleet2-${ids.suffix}`, orchestratorQueue: ids.orchestratorQueue };
/** The workers of this file share one host registry, named after the orchestrator queue (test/support/workers.ts). */
const registry = ids.orchestratorQueue;
const network = `dh-fleet-${ids.suffix}`;
const label = `${SCAN_TEST_LABEL}=${ids.suffix}`;
const hardened = `dh-fleet-hardened-${ids.suffix}`;
let client: Client;
let config: DockhandConfig;
let reportsDir: string;
let redis: Redis;
let workers: WorkerProcess[] = [];
let secondAgent: WorkerProcess;

async function scan(
  over: Partial<ScanRequest>,
): Promise<{ result: SecurityScanResult; report: ScanReport; workflowId: string }> {
  const handle = await startSecurityScan(client, config, {
    containers: { labels: [label], include: ['dh-fleet-*'] },
    ...over,
  });
  const result = await handle.result();
  return {
    result,
    report: JSON.parse(await readFile(result.files.json, 'utf8')) as ScanReport,
    workflowId: handle.workflowId,
  };
}

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  reportsDir = await mkdtemp(path.join(os.tmpdir(), 'dockhand-fleet-reports-'));
  // The second agent beats every 500 ms, so it shows as down 1.5 s after it is killed.
  secondAgent = startWorker('host-agent', second, { DOCKHAND_HOST_HEARTBEAT_MS: '500' });
  workers = [
    startWorker('orchestrator', ids, { DOCKHAND_REPORTS_DIR: reportsDir }),
    startWorker('host-agent', ids),
    secondAgent,
  ];
  await docker.createNetwork({ Name: network, Labels: { [SCAN_TEST_LABEL]: ids.suffix } });
  await startContainer(hardenedConfig(hardened, network, ids.suffix));
  await Promise.all(workers.map((w) => w.ready));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await removeLabelled(ids.suffix);
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
  await redis?.del(hostRegistryKey(registry));
  redis?.disconnect();
  if (reportsDir) await rm(reportsDir, { recursive: true, force: true });
});

describe('securityScan across hosts (real engine, real Temporal, real Redis)', () => {
  it('with no hosts given scans every registered host; a killed agent stays known, is reported down, and the rest is still scanned', async () => {
    expect((await readKnownHosts(redis, registry)).map((h) => [h.hostId, h.status])).toEqual(
      [
        [ids.hostId, 'up'],
        [second.hostId, 'up'],
      ].sort(),
    );
    const both = await scan({});
    expect(both.result.hosts).toEqual({ scanned: [ids.hostId, second.hostId].sort(), unreachable: [] });
    // Both agents serve the same engine here, so each scans the one fixture container.
    expect(both.report.containers.map((c) => [c.host, c.name, c.status]).sort()).toEqual(
      [
        [ids.hostId, hardened, 'scanned'],
        [second.hostId, hardened, 'scanned'],
      ].sort(),
    );
    // The workflow history says which hosts it resolved: the listKnownHosts activity and its result.
    const history = await client.workflow.getHandle(both.workflowId).fetchHistory();
    expect(
      history.events!.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'listKnownHosts'),
    ).toBe(true);
    expect(both.report.input.hosts).toEqual([ids.hostId, second.hostId].sort());

    await secondAgent.crash();
    await waitUntil(
      async () => (await readKnownHosts(redis, registry)).find((h) => h.hostId === second.hostId)?.status === 'down',
      15_000,
    );
    const after = await scan({});
    expect(after.result.hosts).toEqual({ scanned: [ids.hostId], unreachable: [second.hostId] });
    expect(after.result.containers).toEqual({ scanned: 1, gone: 0, errors: 0 });
    expect(after.report.hosts.find((h) => h.host === second.hostId)).toMatchObject({
      status: 'unreachable',
      error: expect.stringMatching(/^host agent down: no heartbeat since \S+ \(\d+ s before this scan\)$/),
    });
    expect(await readFile(after.result.files.markdown, 'utf8')).toContain(
      `> **Host ${second.hostId} was not scanned:** host agent down`,
    );

    const listed = await runCli(['hosts'], { DOCKHAND_HOST_REGISTRY: registry });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${ids.hostId} +up +\\S+Z +\\d+s`, 'm'));
    expect(listed.stdout).toMatch(new RegExp(`^${second.hostId} +down +\\S+Z +\\d+s`, 'm'));
  });

  it('a container removed right after the listing is reported as gone in the result and the report, not fatal', async () => {
    const vanishing = `dh-fleet-vanish-${ids.suffix}`;
    await startContainer(hardenedConfig(vanishing, network, ids.suffix));
    // A host agent in this process with the real activities, whose listing removes the container once
    // it has been listed: every scan of it then starts after it is gone — deterministic.
    const hookHost = `scanhook-${ids.suffix}`;
    const activities = createHostActivities(docker, hookHost);
    const hooked = {
      ...activities,
      listScanTargets: async (filter: Parameters<typeof activities.listScanTargets>[0]) => {
        const listed = await activities.listScanTargets(filter);
        expect(listed.map((t) => t.name)).toContain(vanishing);
        await docker.getContainer(vanishing).remove({ force: true });
        return listed;
      },
    };
    const connection = await NativeConnection.connect({ address: config.temporalAddress });
    try {
      const worker = await Worker.create({
        connection,
        namespace: config.temporalNamespace,
        taskQueue: hostTaskQueue(hookHost),
        activities: hooked,
      });
      const { result, report } = await worker.runUntil(scan({ hosts: [hookHost] }));
      expect(result.containers).toEqual({ scanned: 1, gone: 1, errors: 0 });
      expect(report.containers.map((c) => [c.name, c.status])).toEqual([
        [hardened, 'scanned'],
        [vanishing, 'gone'],
      ]);
      expect(report.containers.find((c) => c.name === vanishing)).toMatchObject({
        findings: [],
        error: expect.stringMatching(/gone|went away/),
      });
      expect(await readFile(result.files.markdown, 'utf8')).toContain(`## ${hookHost}/${vanishing} — gone`);
    } finally {
      await connection.close();
    }
  });

  it('a filesystem read shared per image gives each container exactly what its own export gives (--init, --tmpfs, unchanged)', async () => {
    const variants = [
      { Init: true },
      { Init: true },
      { Init: true, Tmpfs: { '/var/cache/app': '' } },
      { Init: true, Tmpfs: { '/var/cache/app': '' } },
      {},
      {},
    ];
    const names = variants.map((_, i) => `dh-fleet-same-${i}-${ids.suffix}`);
    await Promise.all(
      variants.map((hostConfig, i) =>
        startContainer({
          ...hardenedConfig(names[i]!, network, ids.suffix),
          HostConfig: {
            ...hardenedConfig(names[i]!, network, ids.suffix).HostConfig,
            ReadonlyRootfs: false,
            ...hostConfig,
          },
        }),
      ),
    );
    const rules = enabledRules({ include: [], exclude: [] });
    const options = { needs: neededSources(rules), daemon: available({ securityOptions: [] }) };
    const cache = { image: new ImageCache<never>(8), imageFilesystem: new ImageCache<never>(8) };
    for (const name of names) {
      const shared = await collectScanData(docker, name, { ...options, cache });
      const alone = await collectScanData(docker, name, options);
      expect({ name, facts: shared.filesystem, findings: evaluate(shared, rules) }).toEqual({
        name,
        facts: alone.filesystem,
        findings: evaluate(alone, rules),
      });
    }
    expect(cache.imageFilesystem.size).toBe(3); // --init, --init + --tmpfs, unchanged: one export each
    for (const n of names) await docker.getContainer(n).remove({ force: true }); // one at a time: see removeContainers
  });

  it('CIS-5.23: a privileged exec session on a real container is found by the real scan', async () => {
    const container = docker.getContainer(hardened);
    // `docker exec --privileged` = exec create (Privileged) + exec start. This sandbox's runtime refuses
    // to start a privileged exec ("unable to apply caps") and the Engine drops a failed exec at once,
    // so the session is scanned as created, before its start — as the Engine lists it to anyone.
    const exec = await container.exec({ Cmd: ['/bin/sleep', '300'], Privileged: true });
    const { report } = await scan({ hosts: [ids.hostId] });
    const findings = report.containers.find((c) => c.name === hardened)!.findings;
    expect(findings.map((f) => [f.ruleId, f.severity, f.evidence])).toEqual([
      ['CIS-5.23', 'high', [`exec ${exec.id.slice(0, 12)} (finished): /bin/sleep 300`]],
    ]);
  });
});
