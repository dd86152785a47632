import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { VulnDbInfo } from '../../../common/scan/vulnerability';

/** Where a host agent's Trivy gets its vulnerability database (DOCKHAND_TRIVY_DB):
 * - `trivy`: Trivy's own OCI repository, downloaded into the cache when missing or due;
 * - `oci:<repository>`: the same from another repository (a local registry on an offline network);
 * - `dir:<cache dir>`: a database already in `<dir>/db/trivy.db`, used as it is, never updated. */
export interface TrivyDbSource {
  kind: 'trivy' | 'oci' | 'dir';
  cacheDir: string;
  repository?: string;
}

export function trivyDbSource(setting: string, cacheDir: string | undefined): TrivyDbSource {
  const cache = cacheDir ?? path.join(os.homedir(), '.cache', 'dockhand', 'trivy');
  if (setting.startsWith('dir:')) return { kind: 'dir', cacheDir: setting.slice(4) };
  if (setting.startsWith('oci:')) return { kind: 'oci', cacheDir: cache, repository: setting.slice(4) };
  return { kind: 'trivy', cacheDir: cache };
}

function describeSource(s: TrivyDbSource): string {
  return s.kind === 'dir' ? `dir:${s.cacheDir}` : s.kind === 'oci' ? `oci:${s.repository}` : 'trivy';
}

/** The database file Trivy reads under a cache dir. */
export const dbFile = (s: TrivyDbSource) => path.join(s.cacheDir, 'db', 'trivy.db');

/** The flags every trivy call of this source takes (the database is fetched once per scan by
 * downloadArgs, so image scans never reach for it). */
export function commonArgs(s: TrivyDbSource): string[] {
  return ['--cache-dir', s.cacheDir, '--quiet', '--skip-version-check'];
}

/** The download step, or undefined for a directory (used as it is). */
export function downloadArgs(s: TrivyDbSource): string[] | undefined {
  if (s.kind === 'dir') return undefined;
  return ['image', '--download-db-only', ...commonArgs(s), ...(s.repository ? ['--db-repository', s.repository] : [])];
}

/** The database's build time from `<cache>/db/metadata.json`, if it says. */
export async function dbInfo(s: TrivyDbSource): Promise<VulnDbInfo> {
  const text = await readFile(path.join(s.cacheDir, 'db', 'metadata.json'), 'utf8').catch(() => undefined);
  const updatedAt = text ? (JSON.parse(text) as { UpdatedAt?: string }).UpdatedAt : undefined;
  return { source: describeSource(s), ...(updatedAt ? { updatedAt: new Date(updatedAt).toISOString() } : {}) };
}
