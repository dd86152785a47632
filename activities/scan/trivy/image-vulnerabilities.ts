import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { heartbeat } from '@temporalio/activity';
import { readVariable } from '../../../common/config';
import type { HostVulnScan, ImageVulnScan, ScanImagesInput } from '../../../common/scan/vulnerability';
import { findTrivy } from './trivy-binary';
import { commonArgs, dbFile, dbInfo, downloadArgs, trivyDbSource, type TrivyDbSource } from './trivy-db-source';
import { vulnerabilitiesOf, type TrivyJson } from './trivy-report';
import { failureReason, runTrivy } from './run-trivy';

/** A database download that takes longer is given up on (the scan reports the data unavailable). */
const DB_DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const HEARTBEAT_MS = 5_000;
const DOWNLOAD_RETRY_AFTER_MS = 60_000;
/** A gzipped SBOM larger than this is not carried through the workflow (the report says so). */
const MAX_SBOM_GZ_BYTES = 256 * 1024;

export interface TrivySettings {
  /** TRIVY_PATH */
  trivyPath?: string;
  /** DOCKHAND_TRIVY_DB */
  db: string;
  /** DOCKHAND_TRIVY_CACHE_DIR */
  cacheDir?: string;
  /** DOCKER_HOST of the agent, so Trivy reads images from the same Engine. */
  dockerHost?: string;
}

/** The host agent's image vulnerability scan with Trivy (`trivy image --image-src docker`). */
export function createVulnerabilityActivities(settings: TrivySettings) {
  const source = trivyDbSource(settings.db, settings.cacheDir);
  // A failed download is not retried for a minute: a fleet scan started meanwhile gets the same reason
  // at once instead of waiting out an unreachable repository again.
  let failedDownload: { at: number; reason: string } | undefined;
  const prepare = async (bin: string) => {
    if (failedDownload && Date.now() - failedDownload.at < DOWNLOAD_RETRY_AFTER_MS) return failedDownload.reason;
    const reason = await prepareDb(bin, source);
    failedDownload = reason && source.kind !== 'dir' ? { at: Date.now(), reason } : undefined;
    return reason;
  };
  // The binary does not change under a running agent: its version is asked once, not once per scan
  // (a Trivy start is a 200+ MB binary loaded, seconds on a loaded machine).
  const versions = new Map<string, Promise<string | undefined>>();
  const versionOf = (bin: string) => versions.get(bin) ?? versions.set(bin, version(bin)).get(bin)!;
  return {
    /** Scans each distinct image once: fetches the database (unless it is a directory), then runs
     * `trivy image` per image, each bounded in time and output. Read-only on the Engine; twice scans
     * again. Trivy or its database missing: `unavailable` with the reason, never a thrown error, so the
     * scan's other checks stand. Heartbeats per image. */
    async scanImages(input: ScanImagesInput): Promise<HostVulnScan> {
      const bin = await findTrivy(settings.trivyPath);
      if (!bin)
        return unavailable(
          'trivy not found (set TRIVY_PATH, put trivy on PATH, or run scripts/stack.sh up, which builds it)',
        );
      // Trivy runs for minutes on a big image: the heartbeat says the agent is alive meanwhile.
      let doing = 'vulnerability database';
      const ticker = setInterval(() => heartbeat(doing), HEARTBEAT_MS);
      try {
        const ready = await prepare(bin);
        const db = await dbInfo(source);
        if (ready) return { ...unavailable(ready), db };
        const images = [...new Map(input.images.map((i) => [i.imageId, i])).values()];
        const out: ImageVulnScan[] = [];
        for (const [n, image] of images.entries()) {
          doing = `image ${n + 1}/${images.length}: ${image.image}`;
          out.push(await scanImage(bin, source, settings.dockerHost, image, input));
        }
        return { status: 'scanned', db, trivyVersion: await versionOf(bin), images: out };
      } finally {
        clearInterval(ticker);
      }
    },
  };
}
export type VulnerabilityActivities = ReturnType<typeof createVulnerabilityActivities>;

const unavailable = (reason: string): HostVulnScan => ({ status: 'unavailable', reason, images: [] });

/** Makes sure a database is in the cache; returns why not, or undefined when it is. */
async function prepareDb(bin: string, source: TrivyDbSource): Promise<string | undefined> {
  const download = downloadArgs(source);
  if (!download)
    return (await access(dbFile(source)).then(
      () => true,
      () => false,
    ))
      ? undefined
      : `no vulnerability database at ${dbFile(source)}`;
  const r = await runTrivy(bin, download, DB_DOWNLOAD_TIMEOUT_MS);
  return r.code === 0 ? undefined : `cannot fetch the database (${failureReason(r, DB_DOWNLOAD_TIMEOUT_MS)})`;
}

async function scanImage(
  bin: string,
  source: TrivyDbSource,
  dockerHost: string | undefined,
  { imageId, image }: { imageId: string; image: string },
  input: ScanImagesInput,
): Promise<ImageVulnScan> {
  const base: ImageVulnScan = { imageId, image, status: 'scanned', vulnerabilities: [] };
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'dockhand-trivy-'));
  try {
    const json = path.join(tmp, 'report.json');
    const args = [
      'image',
      '--image-src',
      'docker',
      ...(dockerHost ? ['--docker-host', dockerHost] : []),
      ...commonArgs(source),
      '--skip-db-update',
      '--scanners',
      'vuln',
      '--format',
      'json',
      // Every package, not only vulnerable ones: the SBOM is converted from this same report.
      ...(input.sbom ? ['--list-all-pkgs'] : []),
      '--timeout',
      `${Math.ceil(input.imageTimeoutMs / 1000)}s`,
      '--output',
      json,
      imageId,
    ];
    const r = await runTrivy(bin, args, input.imageTimeoutMs + 5_000);
    if (r.code !== 0) return { ...base, status: 'error', error: failureReason(r, input.imageTimeoutMs) };
    const report = JSON.parse(await readFile(json, 'utf8')) as TrivyJson;
    const { vulnerabilities, truncated } = vulnerabilitiesOf(report);
    const scanned: ImageVulnScan = { ...base, vulnerabilities, ...(truncated ? { truncated } : {}) };
    return input.sbom ? { ...scanned, ...(await sbomOf(bin, json, tmp)) } : scanned;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The CycloneDX SBOM of a scanned image: `trivy convert` of the JSON report (no second image read). */
async function sbomOf(bin: string, json: string, tmp: string): Promise<Pick<ImageVulnScan, 'sbom' | 'sbomError'>> {
  const file = path.join(tmp, 'sbom.cdx.json');
  const r = await runTrivy(bin, ['convert', '--quiet', '--format', 'cyclonedx', '--output', file, json], 60_000);
  if (r.code !== 0) return { sbomError: failureReason(r, 60_000) };
  const gz = gzipSync(await readFile(file));
  if (gz.length > MAX_SBOM_GZ_BYTES)
    return { sbomError: `the SBOM is ${Math.round(gz.length / 1024)} KiB gzipped, more than a scan carries` };
  return { sbom: gz.toString('base64') };
}

async function version(bin: string): Promise<string | undefined> {
  const r = await runTrivy(bin, ['--version'], 30_000);
  return r.stdout.match(/Version:\s*(\S+)/)?.[1];
}

/** The agent's Trivy settings from its environment. */
export function trivySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TrivySettings {
  return {
    trivyPath: readVariable('TRIVY_PATH', env),
    db: readVariable('DOCKHAND_TRIVY_DB', env),
    cacheDir: readVariable('DOCKHAND_TRIVY_CACHE_DIR', env),
    dockerHost: readVariable('DOCKER_HOST', env),
  };
}
