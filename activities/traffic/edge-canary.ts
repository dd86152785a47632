import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { CanaryThresholds, CanaryWindow } from '../../common/canary';
import { judgeWindow, splitByVersion } from '../../common/canary-analysis';
import { colorName } from '../../common/blue-green-plan';
import { EDGE_EXEC_TIMEOUT_MS, EDGE_LOCK_WAIT_S } from '../../common/edge-timing';
import { ErrorType, failure } from '../../common/errors';
import { engineCall } from '../docker/engine-errors';
import { execRun } from '../docker/exec-run';
import { APPLY_SITE_SCRIPT } from './edge-scripts';
import {
  canaryLogPath,
  canaryOffMarkerPath,
  EDGE_MARKER_DIR,
  EDGE_SITE_PATH,
  generationOf,
  renderCanarySiteConfig,
  type EdgeColor,
} from './nginx-config';

export interface ConfigureEdgeCanaryInput {
  edge: string;
  service: string;
  stable: EdgeColor;
  canary: EdgeColor;
  port: number;
  /** Percent of requests the canary takes (0..100). */
  weight: number;
}

export interface ReadCanaryLogInput {
  edge: string;
  service: string;
  stable: EdgeColor;
  canary: EdgeColor;
  network: string;
  /** Where the last window ended; absent: skip to the end of the log (an empty window). */
  offset?: number;
  /** The most one read takes (the rest waits for the next check). */
  maxBytes?: number;
  /** The thresholds the canary's figures are judged by (the verdict lands in the history with them). */
  judge: CanaryThresholds;
}

/** Prints the log's size, then up to `max` bytes from `off` (0 when the log is shorter than `off`:
 * it was rotated or the edge recreated). Args: file, offset (-1: size only), max. */
const READ_LOG_SCRIPT = `
f=$1 off=$2 max=$3
size=$( (wc -c < "$f") 2>/dev/null || echo 0); size=$((size+0))
[ "$off" -gt "$size" ] && off=0
echo "$off $size"
[ "$off" -lt 0 ] && exit 0
tail -c +$((off+1)) "$f" 2>/dev/null | head -c "$max"
`;

/** 4 MiB: at 50 req/s a line is ~80 bytes, so one read holds ~17 minutes of requests. */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

export function createEdgeCanaryActivities(docker: Docker) {
  return {
    /** Declares both colors and sends `weight`% of requests to the canary (header/cookie testers
     * always); one exec: write, `nginx -t`, graceful reload, wait until served and the old workers
     * quit, so no request is routed by the previous weight after it returns. Twice: unchanged. */
    async configureEdgeCanary(i: ConfigureEdgeCanaryInput): Promise<{ changed: boolean }> {
      const text = renderCanarySiteConfig(i.service, {
        stable: { color: i.stable, upstream: { host: colorName(i.service, i.stable), port: i.port } },
        canary: { color: i.canary, upstream: { host: colorName(i.service, i.canary), port: i.port } },
        weight: i.weight,
      });
      const args = [EDGE_SITE_PATH, generationOf(text) ?? '', '', '', '0', 'quit', String(EDGE_LOCK_WAIT_S)];
      // A marker an earlier canary's abort left would send this one's requests to stable only.
      const script = `rm -f '${canaryOffMarkerPath(i.service)}'\n${APPLY_SITE_SCRIPT}`;
      const r = await execRun(docker, i.edge, ['/bin/busybox', 'sh', '-c', script, 'sh', ...args], {
        stdin: text,
        maxBytes: 512 * 1024,
        timeoutMs: EDGE_EXEC_TIMEOUT_MS,
      });
      const what = `the canary config (${i.weight}%) for ${i.service}`;
      if (r.exitCode === 3) throw failure(ErrorType.BadSpec, `nginx refused ${what}: ${r.stderr.trim()}`);
      if (r.exitCode !== 0)
        throw new Error(`applying ${what} in ${i.edge} failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
      return { changed: r.stdout.startsWith('changed') };
    },

    /** Every request to stable at once (an abort's first undo): writes the canary-off marker the
     * canary config reads per request — no reload, so it takes effect with the next request. One archive
     * write through the Engine (as `docker cp`), not an exec: no process is started in the edge, which
     * on a loaded host is seconds quicker. Twice: writes it again. The reload to stable only and the
     * canary's removal follow as undos of their own. */
    async stopCanaryTraffic(i: { edge: string; service: string }): Promise<{ at: number }> {
      const marker = canaryOffMarkerPath(i.service);
      const pack = tar.pack();
      // The directory entry first: the archive creates it when no blue-green switch has yet.
      pack.entry({ name: path.posix.basename(EDGE_MARKER_DIR), type: 'directory', mode: 0o755, mtime: new Date() });
      pack.entry(
        { name: marker.slice(path.posix.dirname(EDGE_MARKER_DIR).length + 1), mode: 0o644, size: 0, mtime: new Date() },
        '',
      );
      pack.finalize();
      await engineCall(`write ${marker} in ${i.edge}`, () =>
        docker
          .getContainer(i.edge)
          .putArchive(pack as unknown as NodeJS.ReadableStream, { path: path.posix.dirname(EDGE_MARKER_DIR) }),
      );
      return { at: Date.now() };
    },

    /** The window of the edge's canary log since `offset`, split by version (by each color's address
     * on the network) and summed up: requests, success rate, p50/p99 — figures only, never the lines.
     * Read-only; bounded by `maxBytes`; ends at the last whole line. */
    async readCanaryLog(i: ReadCanaryLogInput): Promise<CanaryWindow> {
      const max = i.maxBytes ?? DEFAULT_MAX_BYTES;
      const chunk = await readLogChunk(docker, i.edge, i.service, i.offset ?? -1, max);
      if (i.offset === undefined) {
        const empty = splitByVersion([], { stable: [], canary: [] });
        return {
          ...empty,
          offset: chunk.size,
          truncated: false,
          verdict: 'inconclusive',
          reasons: ['the window starts here'],
        };
      }
      const ips = await versionAddresses(docker, i);
      const figures = splitByVersion(chunk.lines, ips);
      return {
        ...figures,
        ...judgeWindow(figures.canary, i.judge),
        offset: chunk.end,
        truncated: chunk.end < chunk.size,
      };
    },
  };
}

/** Whole lines of the edge's canary log from `offset` (at most `max` bytes; -1: none, only the size).
 * `end` is where the last whole line ends (a line still being written waits for the next read); a log
 * shorter than `offset` (rotated, or the edge recreated) is read from its start. */
export async function readLogChunk(
  docker: Docker,
  edge: string,
  service: string,
  offset: number,
  max: number,
): Promise<{ lines: string[]; end: number; size: number }> {
  const r = await execRun(
    docker,
    edge,
    ['/bin/busybox', 'sh', '-c', READ_LOG_SCRIPT, 'sh', canaryLogPath(service), String(offset), String(max)],
    { maxBytes: max + 256 },
  );
  if (r.exitCode !== 0) throw new Error(`reading the canary log in ${edge} failed (exit ${r.exitCode}): ${r.stderr}`);
  const nl = r.stdout.indexOf('\n');
  const [from, size] = r.stdout.slice(0, nl).split(' ').map(Number) as [number, number];
  if (offset < 0) return { lines: [], end: size, size };
  const body = Buffer.from(r.stdout.slice(nl + 1), 'utf8');
  const whole = body.lastIndexOf(0x0a) + 1;
  const lines = body.subarray(0, whole).toString('utf8').split('\n').filter(Boolean);
  return { lines, end: from + whole, size };
}

/** Each version's container addresses (how the log's upstream addresses are told apart). */
export async function versionAddresses(
  docker: Docker,
  i: { service: string; stable: EdgeColor; canary: EdgeColor },
): Promise<{ stable: string[]; canary: string[] }> {
  const [stable, canary] = await Promise.all(
    [i.stable, i.canary].map((c) => addresses(docker, colorName(i.service, c))),
  );
  return { stable: stable!, canary: canary! };
}

/** A container's addresses on every network (none when it is gone). */
async function addresses(docker: Docker, name: string): Promise<string[]> {
  const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect(), [404]);
  return Object.values(info?.NetworkSettings.Networks ?? {})
    .map((n) => n.IPAddress)
    .filter(Boolean);
}
