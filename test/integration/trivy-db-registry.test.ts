import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVulnerabilityActivities } from '../../activities/scan/trivy/image-vulnerabilities';
import { cleanImageRegistry, startImageRegistry } from '../../cli/lib/image-registry';
import { ensureTestHostPackages } from '../../cli/lib/test-hosts';
import type { HostVulnScan } from '../../common/scan/vulnerability';
import { trivyDbTool } from '../support/cyclonedx';
import { docker } from '../support/docker';

// DOCKHAND_TRIVY_DB=oci:<registry>/<repository> offline: the tests' database (scripts/trivy-db) is pushed
// to a local Distribution registry as Trivy's own is published, and the agent's real Trivy downloads it
// from there (`--db-repository`) before scanning the vulnerable fixture. Lean on purpose: the activity
// alone, no workflow (security-scan-vulns.test.ts covers the report).
const REGISTRY = { name: 'trivydb', block: 130, port: 26500 } as const;
const REPOSITORY = 'dockhand/trivy-db';
let address: string;
let dirs: string[] = [];

beforeAll(async () => {
  await ensureTestHostPackages();
  address = (await startImageRegistry(REGISTRY)).address;
  const source = await mkdtemp(path.join(os.tmpdir(), 'dockhand-trivydb-src-'));
  dirs.push(source);
  const out = execFileSync(trivyDbTool(), ['-cache', source, '-push', `${address}/${REPOSITORY}`], {
    encoding: 'utf8',
  });
  expect(out).toContain(`${address}/${REPOSITORY}:2`);
}, 60_000);

afterAll(async () => {
  await cleanImageRegistry(REGISTRY.name);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

const scanVulnFixture = async (db: string) => {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'dockhand-trivydb-cache-'));
  dirs.push(cacheDir);
  const { Id } = await docker.getImage('dockhand-fixture-vuln:v1').inspect();
  const { scanImages } = createVulnerabilityActivities({ db, cacheDir });
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  const result: HostVulnScan = await env.run(scanImages, {
    images: [{ imageId: Id, image: 'dockhand-fixture-vuln:v1' }],
    sbom: false,
    imageTimeoutMs: 60_000,
  });
  return { result, cacheDir };
};

describe('Trivy database from the stack’s own OCI registry (real Trivy, real registry)', () => {
  it('downloads the pushed database into the agent cache and finds the fixture CVE with its fixed version', async () => {
    const { result, cacheDir } = await scanVulnFixture(`oci:${address}/${REPOSITORY}`);
    expect(result.status).toBe('scanned');
    expect(result.db).toMatchObject({ source: `oci:${address}/${REPOSITORY}` });
    expect(result.db?.updatedAt).toBeDefined();
    expect((await stat(path.join(cacheDir, 'db', 'trivy.db'))).size).toBeGreaterThan(0);
    expect(result.images).toHaveLength(1);
    expect(result.images[0]!.vulnerabilities).toEqual([
      expect.objectContaining({
        id: 'CVE-2099-0001',
        pkg: 'dockhand-demo-lib',
        installed: '1.0-1',
        fixed: '1.0-2',
        severity: 'critical',
      }),
    ]);
  }, 120_000);

  it('a repository the registry does not hold: unavailable, with Trivy’s reason naming it', async () => {
    const { result } = await scanVulnFixture(`oci:${address}/dockhand/no-such-db`);
    expect(result.status).toBe('unavailable');
    expect(result.reason).toMatch(/^cannot fetch the database \(trivy exited 1: .*no-such-db/);
  }, 120_000);
});
