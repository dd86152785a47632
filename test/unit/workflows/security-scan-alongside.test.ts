import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrchestratorActivities } from '../../../activities';
import { startSecurityScan } from '../../../client/security-scan';
import { loadConfig, type DockhandConfig } from '../../../common/config';
import type { ContainerScan, ScanTarget } from '../../../common/scan/scan-result';
import type { HostVulnScan, ScanImagesInput } from '../../../common/scan/vulnerability';
import { createWorkflowTestEnv, type WorkflowTestEnv } from '../../support/workflow-env';

// The securityScan workflow hands Trivy the images while the containers are scanned (patched
// 'scan-vulns-alongside'), from the listed targets' image ids, instead of after the last container: the
// scan bench's cve_overhead was the sum of both. A target listed without an image id (an agent from
// before) still gets its image scanned after the containers. Real workflow, fake host activities.
let t: WorkflowTestEnv;
let reportsDir: string;
beforeAll(async () => {
  t = await createWorkflowTestEnv();
  reportsDir = await mkdtemp(path.join(os.tmpdir(), 'dockhand-scan-alongside-'));
}, 120_000);
afterAll(async () => {
  await t?.teardown();
  await rm(reportsDir, { recursive: true, force: true });
});

const IMAGE_ID = 'sha256:app';

/** Host activities recording the order of events; a container scan waits (up to 5 s) for the image
 * scan to start, so "alongside" shows as the image scan starting before any container scan ends. */
function fakeHost(targets: ScanTarget[]) {
  const events: string[] = [];
  let imagesStarted!: () => void;
  const started = new Promise<void>((r) => (imagesStarted = r));
  const host = {
    listScanTargets: async () => targets,
    scanContainer: async ({ host, target }: { host: string; target: ScanTarget }): Promise<ContainerScan> => {
      await Promise.race([started, new Promise((r) => setTimeout(r, 5_000))]);
      events.push(`container ${target.name} done`);
      return {
        host,
        id: target.id,
        name: target.name,
        image: target.image,
        imageId: IMAGE_ID,
        status: 'scanned',
        findings: [],
        notApplicable: [],
        processes: [],
      };
    },
    scanImages: async (input: ScanImagesInput): Promise<HostVulnScan> => {
      events.push(`images ${input.images.map((i) => i.imageId).join(',')} started`);
      imagesStarted();
      return {
        status: 'scanned',
        db: { source: 'dir:/fake' },
        images: [
          {
            imageId: IMAGE_ID,
            image: 'app:v1',
            status: 'scanned',
            vulnerabilities: [
              { id: 'CVE-2099-0001', pkg: 'lib', installed: '1.0-1', fixed: '1.0-2', severity: 'high', title: 'x' },
            ],
          },
        ],
      };
    },
  };
  return { host, events };
}

const target = (n: number, imageId?: string): ScanTarget => ({
  id: `c${n}`,
  name: `web-${n}`,
  image: 'app:v1',
  ...(imageId ? { imageId } : {}),
  state: 'running',
  labels: {},
});

async function scan(targets: ScanTarget[]) {
  const { host, events } = fakeHost(targets);
  const result = await t.run(
    host,
    async ({ taskQueue, hostId }) => {
      const config: DockhandConfig = { ...loadConfig(), hostId, orchestratorTaskQueue: taskQueue };
      return (await startSecurityScan(t.env.client, config, { hosts: [hostId] })).result();
    },
    createOrchestratorActivities(reportsDir),
  );
  return { result, events };
}

describe('securityScan: image vulnerabilities alongside the container scans', () => {
  it('starts Trivy on the listed image ids before the container scans end, and reports its findings', async () => {
    const { result, events } = await scan([target(1, IMAGE_ID), target(2, IMAGE_ID)]);
    expect(events[0]).toBe(`images ${IMAGE_ID},${IMAGE_ID} started`);
    expect(events.slice(1).sort()).toEqual(['container web-1 done', 'container web-2 done']);
    expect(result.counts.high).toBe(2);
  }, 60_000);

  it('targets listed without an image id: the images are scanned after the containers, as before', async () => {
    const { result, events } = await scan([target(1), target(2)]);
    expect(events.slice(0, 2).sort()).toEqual(['container web-1 done', 'container web-2 done']);
    expect(events[2]).toBe(`images ${IMAGE_ID},${IMAGE_ID} started`);
    expect(result.counts.high).toBe(2);
  }, 60_000);
});
