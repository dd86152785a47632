/** Collects a stream's bytes but keeps only the newest `maxBytes` (the end of a log or of a command's
 * output is what explains a failure), remembering whether anything was dropped. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.maxBytes && this.chunks.length) {
      const first = this.chunks[0]!;
      const excess = this.size - this.maxBytes;
      this.truncated = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  text(encoding: BufferEncoding = 'utf8'): string {
    return Buffer.concat(this.chunks).toString(encoding);
  }
}

/**
 * Splits Docker's multiplexed stream (non-TTY containers and execs): frames of an 8-byte header —
 * stream type (1 stdout, 2 stderr), 3 zero bytes, big-endian length — then the payload. Frames may
 * arrive split across chunks, so the parser keeps the unfinished remainder.
 */
export class Demuxer {
  private pending = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: 'stdout' | 'stderr', payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 8) {
      const len = buf.readUInt32BE(4);
      if (buf.length < 8 + len) break;
      this.onFrame(buf[0] === 2 ? 'stderr' : 'stdout', buf.subarray(8, 8 + len));
      buf = buf.subarray(8 + len);
    }
    this.pending = Buffer.from(buf);
  }
}
