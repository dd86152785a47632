import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecurityScan } from '../../client/security-scan';
import type { DockhandConfig } from '../../common/config';
import type { ScanReport } from '../../common/scan/report';
import type { ScanRequest } from '../../common/scan/scan-input';
import type { SecurityScanResult } from '../../common/scan/scan-result';
import { cyclonedxValidator, trivyDbTool } from '../support/cyclonedx';
import { docker } from '../support/docker';
import { hardenedConfig, removeLabelled, SCAN_TEST_LABEL, startContainer } from '../support/scan-fixtures';
import { testClient } from '../support/temporal';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';

// Image vulnerabilities with the real Trivy, offline: a database written by scripts/trivy-db (one
// advisory, CVE-2099-0001 in dockhand-demo-lib < 1.0-2) and the dockhand-fixture-vuln images.
const ids = testIds('vuln');
/** A second agent whose database source answers nothing: its scan must still run the other checks. */
const noDb = { ...ids, hostId: `${ids.hostId}-nodb` };
/** A third agent whose database was built 10 days ago: used, and reported as old. */
const stale = { ...ids, hostId: `${ids.hostId}-stale` };
const STALE_BUILT = new Date(Date.now() - 10 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
const network = `dh-vuln-${ids.suffix}`;
/** The "rebuilt" image: one tag, first on v1's content, then on v2's (as a rebuild leaves it). */
const appImage = `dh-vuln-app-${ids.suffix}:latest`;
const name = (k: string) => `dh-vuln-${k}-${ids.suffix}`;
const CVE = 'CVE-2099-0001';
let client: Client;
let config: DockhandConfig;
let dirs: string[] = [];
let workers: WorkerProcess[] = [];

async function scan(over: Partial<ScanRequest>): Promise<{ result: SecurityScanResult; report: ScanReport }> {
  const request: ScanRequest = {
    hosts: [ids.hostId],
    containers: { labels: [`${SCAN_TEST_LABEL}=${ids.suffix}`] },
    vulnerabilities: { sbom: true },
    ...over,
  };
  const result = await (await startSecurityScan(client, config, request)).result();
  return { result, report: JSON.parse(await readFile(result.files.json, 'utf8')) as ScanReport };
}
const on = (r: ScanReport, host: string, container: string) =>
  r.containers.find((c) => c.host === host && c.name === container)!;
const cves = (c: ScanReport['containers'][number]) => c.findings.filter((f) => f.ruleId.startsWith('CVE-'));
const start = (kind: string, image: string) => startContainer(hardenedConfig(name(kind), network, ids.suffix, image));

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  const [reports, db, empty, old] = await Promise.all(
    ['reports', 'db', 'empty', 'old'].map((d) => mkdtemp(path.join(os.tmpdir(), `dockhand-vuln-${d}-`))),
  );
  dirs = [reports!, db!, empty!, old!];
  execFileSync(trivyDbTool(), ['-cache', db!]);
  execFileSync(trivyDbTool(), ['-cache', old!, '-updated-at', STALE_BUILT]);
  await docker.getImage('dockhand-fixture-vuln:v1').tag({ repo: `dh-vuln-app-${ids.suffix}`, tag: 'latest' });
  workers = [
    startWorker('orchestrator', ids, { DOCKHAND_REPORTS_DIR: reports! }),
    startWorker('host-agent', ids, { DOCKHAND_TRIVY_DB: `dir:${db}` }),
    // Port 25999 of this suite's range: nothing listens there, so the download fails at once.
    startWorker('host-agent', noDb, {
      DOCKHAND_TRIVY_DB: 'oci:127.0.0.1:25999/dockhand/trivy-db:2',
      DOCKHAND_TRIVY_CACHE_DIR: empty!,
    }),
    startWorker('host-agent', stale, { DOCKHAND_TRIVY_DB: `dir:${old}` }),
  ];
  await docker.createNetwork({ Name: network, Labels: { [SCAN_TEST_LABEL]: ids.suffix } });
  await Promise.all([
    start('a', appImage),
    start('b', 'dockhand-fixture-vuln:v1'),
    start('clean', 'dockhand-fixture-scan:hardened'),
  ]);
  await Promise.all(workers.map((w) => w.ready));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await removeLabelled(ids.suffix);
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
  await docker
    .getImage(appImage)
    .remove()
    .catch(() => undefined);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('securityScan with Trivy (real Trivy, offline database)', () => {
  it('reports exactly the fixture CVE with its fixed version on every container of the image, an SBOM per image, and says where the data was unavailable', async () => {
    const { result, report } = await scan({ hosts: [ids.hostId, noDb.hostId] });
    for (const c of [name('a'), name('b')])
      expect(
        cves(on(report, ids.hostId, c)).map((f) => [f.ruleId, f.severity, f.evidence, f.vulnerability?.fixed]),
      ).toEqual([[CVE, 'critical', ['dockhand-demo-lib 1.0-1'], '1.0-2']]);
    expect(cves(on(report, ids.hostId, name('clean')))).toEqual([]);
    // The other checks ran on the host without vulnerability data, with the same results.
    const other = (host: string) =>
      report.containers
        .filter((c) => c.host === host)
        .map((c) => [c.name, c.findings.filter((f) => !f.ruleId.startsWith('CVE-')).map((f) => f.ruleId)]);
    expect(other(noDb.hostId)).toEqual(other(ids.hostId));
    expect(report.containers.filter((c) => c.host === noDb.hostId).flatMap(cves)).toEqual([]);
    expect(result.notices).toEqual([
      expect.stringMatching(
        new RegExp(
          `^vulnerability data unavailable on ${noDb.hostId}: cannot fetch the database \\(trivy exited 1: .+\\)$`,
        ),
      ),
    ]);
    expect(report.vulnerabilities!.hosts.find((h) => h.host === ids.hostId)!.db).toMatchObject({
      source: expect.stringMatching(/^dir:/),
      ageDays: 0,
    });
    // The remediation hook: each critical finding with a fix, with the command (a notification carries them).
    expect(result.remediation!.map((s) => [s.container, s.ruleId, s.fixed])).toEqual([
      [name('a'), CVE, '1.0-2'],
      [name('b'), CVE, '1.0-2'],
    ]);
    const sbom = result.sboms!.find((s) => s.image === appImage)!;
    const bom = JSON.parse(await readFile(sbom.file, 'utf8')) as { components: Array<{ purl?: string }> };
    expect(cyclonedxValidator()(bom)).toEqual([]);
    expect(
      bom.components
        .map((c) => c.purl?.replace(/\?.*/, ''))
        .filter(Boolean)
        .sort(),
    ).toEqual(['pkg:deb/debian/base-files@12.4%2Bdeb12u5', 'pkg:deb/debian/dockhand-demo-lib@1.0-1']);
  }, 300_000);

  it('a database older than --max-db-age is used and said to be old, never silently', async () => {
    const { result, report } = await scan({ hosts: [stale.hostId], vulnerabilities: { maxDbAgeDays: 7 } });
    // The agents share the engine: the stale one sees the same containers, and still finds the CVE.
    expect(cves(on(report, stale.hostId, name('b'))).map((f) => f.ruleId)).toEqual([CVE]);
    expect(result.notices).toEqual([
      `vulnerability data on ${stale.hostId} is 10 days old (built ${STALE_BUILT.slice(0, 10)}, dir:${dirs[3]}; more than 7)`,
    ]);
    expect(report.vulnerabilities!.hosts[0]!.db).toMatchObject({ ageDays: 10 });
  }, 300_000);

  it('a suppression hides the CVE until it expires', async () => {
    const { report, result } = await scan({
      suppressions: [
        { ruleId: CVE, container: name('b'), reason: 'not reachable from outside', expires: '2099-01-01' },
        { ruleId: CVE, container: name('a'), reason: 'accepted last quarter', expires: '2020-01-01' },
      ],
    });
    expect(cves(on(report, ids.hostId, name('a'))).map((f) => f.ruleId)).toEqual([CVE]);
    expect(on(report, ids.hostId, name('b')).suppressed.map((f) => [f.ruleId, f.suppression.expires])).toEqual([
      [CVE, '2099-01-01'],
    ]);
    expect(result.counts.critical).toBe(
      report.containers.flatMap((c) => c.findings).filter((f) => f.severity === 'critical').length,
    );
  }, 300_000);

  it('a rebuilt image without the vulnerable version shows the CVE as fixed and the package change in the SBOM diff', async () => {
    await docker.getContainer(name('a')).remove({ force: true });
    await docker.getImage('dockhand-fixture-vuln:v2').tag({ repo: `dh-vuln-app-${ids.suffix}`, tag: 'latest' });
    await start('a', appImage);
    const { report, result } = await scan({});
    expect(report.diff.fixed.filter((d) => d.ruleId === CVE).map((d) => d.container)).toEqual([name('a')]);
    expect(cves(on(report, ids.hostId, name('a')))).toEqual([]);
    expect(report.sboms!.find((s) => s.image === appImage)).toMatchObject({
      added: [expect.stringMatching(/^pkg:deb\/debian\/dockhand-demo-lib@1\.0-2/)],
      removed: [expect.stringMatching(/^pkg:deb\/debian\/dockhand-demo-lib@1\.0-1/)],
    });
    expect(result.sboms!.find((s) => s.image === appImage)).toMatchObject({ added: 1, removed: 1 });
  }, 300_000);
});
