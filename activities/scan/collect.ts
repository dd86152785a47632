import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { ApplicationFailure } from '@temporalio/common';
import type { DataSource } from '../../common/scan/finding';
import type { BaselineEntry } from '../../common/scan/scan-result';
import { ErrorType } from '../../common/errors';
import { engineCall } from '../docker/engine-errors';
import { readListeners } from './collect-listeners';
import { topProcesses } from './collect-processes';
import { walkFilesystem } from './collect-filesystem';
import type { ImageCache } from './image-cache';
import {
  available,
  unavailable,
  type Change,
  type ExecSession,
  type FilesystemFacts,
  type ImageData,
  type Listener,
  type ProcessEntry,
  type ScanData,
  type Source,
} from './scan-data';

/** The container went away while it was being scanned. */
export class ContainerGone extends Error {}

const CHANGE_KIND: Record<number, Change['kind']> = { 0: 'modified', 1: 'added', 2: 'deleted' };

export interface CollectOptions {
  needs: Set<DataSource>;
  daemon: Source<{ securityOptions: string[] }>;
  baseline?: BaselineEntry;
  onProgress?: (what: string) => void;
  /** Per-image reads shared between container scans (the host agent keeps one per process). */
  cache?: ScanCaches;
}

/** What a host agent reads once per image: image inspect + history, and the filesystem facts of
 * containers whose `docker diff` shows nothing but what the daemon itself put there (see sameFilesKey). */
export interface ScanCaches {
  image: ImageCache<ImageData>;
  imageFilesystem: ImageCache<FilesystemFacts>;
}

/** Collects what the enabled checks need about one container, through the Engine API only (inspect,
 * image inspect + history, top, diff, export, exec inspect) and the host's /proc for sockets. */
export async function collectScanData(docker: Docker, id: string, o: CollectOptions): Promise<ScanData> {
  const handle = docker.getContainer(id);
  const container = await engineCall(`inspect container ${id}`, () => handle.inspect(), [404]);
  if (!container) throw new ContainerGone(`container ${id} is gone`);
  const running = container.State.Running;
  const notRunning = 'the container is not running';
  const skip = <T>(source: DataSource): Source<T> | undefined =>
    o.needs.has(source) ? undefined : unavailable<T>('not collected (no enabled check needs it)');

  o.onProgress?.('image');
  const image = skip<ImageData>('image') ?? (await cachedImage(docker, container.Image, o.cache));
  const processes =
    skip<ProcessEntry[]>('processes') ??
    (running ? available(await orGone(() => topProcesses(handle), id)) : unavailable<ProcessEntry[]>(notRunning));
  const listeners =
    skip<Listener[]>('listeners') ??
    (running ? toSource(await readListeners(container.State.Pid, container.Id)) : unavailable(notRunning));
  const changes =
    skip<Change[]>('changes') ??
    (o.needs.has('changes') || o.needs.has('filesystem')
      ? available(asChanges(await orGone(() => handle.changes() as Promise<unknown>, id)))
      : unavailable<Change[]>('not collected'));
  o.onProgress?.('filesystem');
  const changed = new Set(
    changes.ok ? changes.value.filter((c) => c.kind !== 'deleted').map((c) => c.path.replace(/^\//, '')) : [],
  );
  const exportAndWalk = () =>
    orGone(
      async () =>
        walkFilesystem((await handle.export()) as unknown as Readable, changed, (n) =>
          o.onProgress?.(`filesystem: ${n} entries`),
        ),
      id,
    );
  const filesKey = changes.ok ? sameFilesKey(container, changes.value) : undefined;
  const filesystem =
    skip<FilesystemFacts>('filesystem') ??
    available(filesKey && o.cache ? await sharedFilesystem(o.cache, filesKey, exportAndWalk) : await exportAndWalk());
  const execs = skip<ExecSession[]>('execs') ?? available(await collectExecs(docker, container.ExecIDs ?? []));
  return {
    container,
    daemon: o.daemon,
    image,
    processes,
    listeners,
    changes,
    filesystem,
    execs,
    baseline: o.baseline
      ? available(o.baseline)
      : unavailable('no baseline yet for this container: recorded by this scan'),
  };
}

class ImageGone extends Error {}

async function cachedImage(docker: Docker, imageId: string, cache?: ScanCaches): Promise<Source<ImageData>> {
  const read = () => collectImage(docker, imageId);
  try {
    return available(await (cache ? cache.image.get(imageId, read) : read()));
  } catch (e) {
    if (e instanceof ImageGone) return unavailable(e.message);
    throw e;
  }
}

async function collectImage(docker: Docker, imageId: string): Promise<ImageData> {
  const image = docker.getImage(imageId);
  const inspect = await engineCall(`inspect image ${imageId}`, () => image.inspect(), [404]);
  if (!inspect) throw new ImageGone('the image was removed from the host');
  const history =
    (await engineCall(
      `history of image ${imageId}`,
      () => image.history() as Promise<Array<{ CreatedBy: string }>>,
      [404],
    )) ?? [];
  return { inspect, history };
}

/**
 * Containers with the same key have the same files, so one export stands for all of them: the same
 * image (its id is its content's hash) and the same `docker diff`, made only of what the daemon
 * creates itself — empty mount points of volumes and tmpfs (always directories) and, with --init,
 * /sbin/docker-init — and their parent directories. Anything else in the diff (a written file, a
 * bind mount, which may be a file or a directory) gives no key: that container is exported alone.
 */
export function sameFilesKey(
  container: Pick<Docker.ContainerInspectInfo, 'Image' | 'Mounts' | 'HostConfig'>,
  changes: Change[],
): string | undefined {
  const made = new Set<string>();
  const addWithParents = (p: string) => {
    const parts = p.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) made.add(`/${parts.slice(0, i).join('/')}`);
  };
  for (const m of container.Mounts ?? []) if (m.Type === 'volume' || m.Type === 'tmpfs') addWithParents(m.Destination);
  const host = container.HostConfig as { Init?: boolean | null; Tmpfs?: Record<string, string> | null };
  for (const dest of Object.keys(host.Tmpfs ?? {})) addWithParents(dest); // --tmpfs (not listed in Mounts)
  if (host.Init) addWithParents('/sbin/docker-init');
  if (!changes.every((c) => c.kind !== 'deleted' && made.has(c.path))) return undefined;
  return [container.Image, ...changes.map((c) => `${c.kind} ${c.path}`).sort()].join('\n');
}

/** The filesystem facts shared by containers with the same files (sameFilesKey). If the read another
 * container started fails (it went away meanwhile), this container reads its own. */
async function sharedFilesystem(
  cache: ScanCaches,
  key: string,
  exportAndWalk: () => Promise<FilesystemFacts>,
): Promise<FilesystemFacts> {
  let mine = false;
  const shared = cache.imageFilesystem.get(key, () => {
    mine = true;
    return exportAndWalk();
  });
  try {
    return await shared;
  } catch (e) {
    if (mine) throw e;
    return exportAndWalk();
  }
}

async function collectExecs(docker: Docker, ids: string[]): Promise<ExecSession[]> {
  const out: ExecSession[] = [];
  for (const id of ids) {
    const e = (await engineCall(`inspect exec ${id}`, () => docker.getExec(id).inspect(), [404])) as
      | {
          ID: string;
          Running: boolean;
          ProcessConfig: { user?: string; privileged?: boolean; entrypoint: string; arguments: string[] };
        }
      | undefined;
    if (!e) continue; // finished and cleaned up between inspect and now
    out.push({
      id: e.ID,
      user: e.ProcessConfig.user ?? '',
      privileged: e.ProcessConfig.privileged === true,
      running: e.Running,
      command: [e.ProcessConfig.entrypoint, ...e.ProcessConfig.arguments].join(' ').slice(0, 200),
    });
  }
  return out;
}

/** Runs an Engine read of a container; a 404 (removed meanwhile) becomes ContainerGone, a 409 (stopped
 * meanwhile: "is not running") also ends the scan as gone-or-stopped — retrying cannot help either. */
async function orGone<T>(read: () => Promise<T>, id: string): Promise<T> {
  try {
    const value = await engineCall(`read container ${id}`, read, [404]);
    if (value === undefined) throw new ContainerGone(`container ${id} is gone`);
    return value;
  } catch (e) {
    if (e instanceof ApplicationFailure && (e.type === ErrorType.Conflict || e.type === ErrorType.NotFound))
      throw new ContainerGone(`container ${id} stopped or went away mid-scan (${e.message})`);
    throw e;
  }
}

/** `docker diff` answers JSON `null` for no changes, which dockerode hands over as a Buffer. */
function asChanges(raw: unknown): Change[] {
  if (!Array.isArray(raw)) return [];
  return (raw as Array<{ Path: string; Kind: number }>).map((c) => ({
    path: c.Path,
    kind: CHANGE_KIND[c.Kind] ?? 'modified',
  }));
}

function toSource<T>(value: T | string): Source<T> {
  return typeof value === 'string' ? unavailable(value) : available(value);
}
