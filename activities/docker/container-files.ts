import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { ErrorType, failure } from '../../common/errors';
import type {
  CopyFileInInput,
  ExportContainerInput,
  ExportContainerResult,
  ReadFileInput,
  ReadFileResult,
} from '../../common/docker-activities';
import { firstEntryOf } from './container-paths';
import { engineCall } from './engine-errors';
import { heartbeating } from './long-running';

const DEFAULT_READ_BYTES = 1024 * 1024;

/** Files in and out of a container's filesystem (running or stopped). */
export function createFileActivities(docker: Docker) {
  return {
    /** Streams the container's filesystem as a tar to `path` on the agent, with its size and sha256.
     * Twice: writes the same file again (a temp file renamed into place, so a reader never sees half
     * a tar). Heartbeats the bytes written; a cancel stops the copy and removes the temp file. */
    async exportContainer({ name, path: target }: ExportContainerInput): Promise<ExportContainerResult> {
      if (!path.isAbsolute(target))
        throw failure(ErrorType.BadSpec, `path: "${target}" must be an absolute path on the host agent`);
      // One temp file per call: an attempt that timed out may still be streaming in this very process
      // when its retry starts, and two writers of one file would rename each other's half away.
      const partial = `${target}.partial-${process.pid}-${randomBytes(6).toString('hex')}`;
      const hash = createHash('sha256');
      let sizeBytes = 0;
      let file: WriteStream | undefined;
      try {
        await heartbeating(
          async (cancelled) => {
            const stream = (await engineCall(`export container ${name}`, () =>
              docker.getContainer(name).export({ abortSignal: cancelled } as object),
            ))! as unknown as Readable;
            stream.on('data', (chunk: Buffer) => {
              hash.update(chunk);
              sizeBytes += chunk.length;
            });
            // Cancelled while the Engine answered: write nothing (the caller is already gone).
            if (cancelled.aborted) return void stream.destroy();
            file = createWriteStream(partial);
            await pipeline(stream, file, { signal: cancelled });
          },
          () => ({ sizeBytes }),
        );
        await rename(partial, target);
      } catch (e) {
        // A cancelled copy may still be opening or flushing the file: let it close before removing it.
        const open = file;
        if (open && !open.closed)
          await new Promise<void>((resolve) => (open.once('close', () => resolve()), open.destroy()));
        await rm(partial, { force: true });
        throw e;
      }
      return { path: target, sizeBytes, sha256: hash.digest('hex') };
    },

    /** Writes one file into the container (as `docker cp` does, through a tar archive). Twice: writes
     * the same content again. The file's directory must exist: NotFound otherwise. */
    async copyFileIn({
      name,
      path: file,
      content,
      encoding = 'utf8',
      mode = 0o644,
    }: CopyFileInInput): Promise<{ sizeBytes: number }> {
      if (!path.posix.isAbsolute(file))
        throw failure(ErrorType.BadSpec, `path: "${file}" must be an absolute path in the container`);
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      // The Engine refuses any archive write (even into a tmpfs) on a read-only root, with a 500 that
      // retrying cannot change.
      if (info!.HostConfig.ReadonlyRootfs)
        throw failure(
          ErrorType.Conflict,
          `copy ${file} into ${name}: its root filesystem is read-only, and Docker refuses copies into such containers`,
        );
      const data = Buffer.from(content, encoding);
      const pack = tar.pack();
      pack.entry({ name: path.posix.basename(file), mode, size: data.length, mtime: new Date() }, data);
      pack.finalize();
      await engineCall(`copy ${file} into ${name}`, () =>
        docker
          .getContainer(name)
          .putArchive(pack as unknown as NodeJS.ReadableStream, { path: path.posix.dirname(file) }),
      );
      return { sizeBytes: data.length };
    },

    /** Reads one regular file out of the container, at most `maxBytes` of it (the start). Read-only.
     * NotFound when the path does not exist; BadSpec when it is not a regular file. */
    async readFileFrom({
      name,
      path: file,
      encoding = 'utf8',
      maxBytes = DEFAULT_READ_BYTES,
    }: ReadFileInput): Promise<ReadFileResult> {
      const archive = (await engineCall(`read ${file} from ${name}`, () =>
        docker.getContainer(name).getArchive({ path: file }),
      ))! as unknown as Readable;
      const entry = await firstEntryOf(archive, maxBytes);
      if (entry?.type !== 'file') throw failure(ErrorType.BadSpec, `read ${file} from ${name}: not a regular file`);
      const { content, size: sizeBytes, truncated, mode } = entry;
      return { content: content.toString(encoding), encoding, sizeBytes, truncated, mode };
    },
  };
}
