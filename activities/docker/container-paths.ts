import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { ErrorType, failure } from '../../common/errors';
import { engineCall } from './engine-errors';

/**
 * A container's files through the Engine's archive API (as `docker cp` does), running or stopped: no
 * process is started in the container. On a loaded host an exec (runc, three Engine calls) costs
 * hundreds of milliseconds; a stat (HEAD) a few.
 */

/** What the Engine says of a path (its X-Docker-Container-Path-Stat header); a symlink is not followed. */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode: permission bits plus type bits (directory 1<<31, symlink 1<<27, …). */
  mode: number;
  mtime: string;
  /** Where a symlink points ('' for anything else). */
  linkTarget: string;
}

/** The stat header (base64 JSON) as the Engine sends it. Pure. */
export function parsePathStat(header: string | undefined): PathStat {
  if (!header) throw new Error('the Engine answered without an X-Docker-Container-Path-Stat header');
  const s = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Partial<PathStat>;
  if (typeof s.size !== 'number' || typeof s.mode !== 'number')
    throw new Error(`the Engine's path stat has no size or mode: ${JSON.stringify(s)}`);
  return { name: s.name ?? '', size: s.size, mode: s.mode, mtime: s.mtime ?? '', linkTarget: s.linkTarget ?? '' };
}

/** The path's stat, undefined when nothing is there. NotFound when the container itself is gone. */
export async function statPath(docker: Docker, container: string, path: string): Promise<PathStat | undefined> {
  const stat = await headStat(docker, container, path);
  if (stat || (await exists(docker, container))) return stat;
  throw failure(ErrorType.NotFound, `stat ${path} in ${container}: no such container`);
}

const headStat = (docker: Docker, container: string, path: string) =>
  engineCall(
    `stat ${path} in ${container}`,
    async () => parsePathStat(headerOf(await docker.getContainer(container).infoArchive({ path }))),
    [404],
  );

/** The Engine answers 404 both for a missing path and a missing container: a stat of "/", which every
 * container has, tells them apart. */
async function exists(docker: Docker, container: string): Promise<boolean> {
  return (await headStat(docker, container, '/')) !== undefined;
}

/** The stat header of a HEAD answer, which dockerode hands over as an unread stream: it is read to its
 * (empty) end, or its socket stays open and keeps the agent's process from exiting. */
function headerOf(res: unknown): string | undefined {
  const message = res as IncomingMessage;
  message.resume?.();
  const h = message.headers?.['x-docker-container-path-stat'];
  return Array.isArray(h) ? h[0] : h;
}

/** The first entry of a tar stream: its type, and for a regular file at most `maxBytes` of its start. */
export interface TarEntry {
  type: string;
  /** The whole file's size (the content may be cut at maxBytes). */
  size: number;
  mode: number;
  content: Buffer;
  truncated: boolean;
}

/** The first entry of `archive` (the rest is drained); undefined for an empty archive. */
export async function firstEntryOf(archive: Readable, maxBytes: number): Promise<TarEntry | undefined> {
  const extract = tar.extract();
  let first: TarEntry | undefined;
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    stream.on('data', (data: unknown) => {
      const c = data as Buffer;
      if (first || kept >= maxBytes) return;
      chunks.push(c.subarray(0, maxBytes - kept));
      kept = Math.min(maxBytes, kept + c.length);
    });
    stream.on('end', () => {
      const size = header.size ?? 0;
      first ??= {
        type: header.type ?? 'file',
        size,
        mode: (header.mode ?? 0) & 0o7777,
        content: Buffer.concat(chunks),
        truncated: size > maxBytes,
      };
      next();
    });
  });
  await pipeline(archive, extract);
  return first;
}

/** The first entry of the Engine's archive of `path` (a regular file's start, at most `maxBytes`; a
 * symlink is archived itself, not its target); undefined when nothing is at `path`. NotFound when the
 * container is gone. */
export async function readContainerPath(
  docker: Docker,
  container: string,
  path: string,
  maxBytes: number,
): Promise<TarEntry | undefined> {
  const archive = await engineCall(
    `read ${path} from ${container}`,
    () => docker.getContainer(container).getArchive({ path }),
    [404],
  );
  if (archive) return firstEntryOf(archive as unknown as Readable, maxBytes);
  if (await exists(docker, container)) return undefined;
  throw failure(ErrorType.NotFound, `read ${path} from ${container}: no such container`);
}
