import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { ErrorType, failure } from '../../common/errors';
import type {
  ContainerRef,
  DiffEntry,
  FollowLogsInput,
  FollowLogsResult,
  LogsInput,
  LogsResult,
  StatsSnapshot,
  TopResult,
} from '../../common/docker-activities';
import { engineCall } from './engine-errors';
import { heartbeating } from './long-running';
import { Demuxer, TailBuffer } from './output-buffer';
import { toStatsSnapshot, type EngineStats } from './stats-calc';
import { toUnixSeconds } from './log-times';
import { redactValues } from '../../common/redact';
import { secretValuesOf } from './container-secrets';

const DEFAULT_LOG_BYTES = 64 * 1024;
/** Lines read when the caller names no tail: enough for the newest DEFAULT_LOG_BYTES of most logs. */
const DEFAULT_LOG_LINES = 5_000;
const DIFF_KINDS: DiffEntry['kind'][] = ['modified', 'added', 'deleted'];

/** Read-only views of a container: running any of them twice just reads again. */
export function createObserveActivities(docker: Docker) {
  return {
    /** Logs with stdout and stderr apart, the newest `maxBytes` of each. Read-only. */
    async containerLogs(input: LogsInput): Promise<LogsResult> {
      const { name, maxBytes = DEFAULT_LOG_BYTES } = input;
      const { tty, secrets } = await logView(docker, name);
      const opts = logOptions(input, false);
      const raw = (await engineCall(`logs of ${name}`, () =>
        docker.getContainer(name).logs(opts as { follow: false }),
      ))!;
      const out = { stdout: new TailBuffer(maxBytes), stderr: new TailBuffer(maxBytes) };
      if (tty) out.stdout.push(raw);
      else new Demuxer((stream, payload) => out[stream].push(payload)).push(raw);
      return {
        stdout: redactValues(out.stdout.text(), secrets),
        stderr: redactValues(out.stderr.text(), secrets),
        truncated: out.stdout.truncated || out.stderr.truncated,
      };
    },

    /** Follows the logs until `untilText` appears, the container stops or `timeoutMs` passes.
     * Read-only; heartbeats and stops at once when cancelled. */
    async followLogs(input: FollowLogsInput): Promise<FollowLogsResult> {
      const { name, untilText, timeoutMs, maxBytes = DEFAULT_LOG_BYTES } = input;
      const { tty, secrets } = await logView(docker, name);
      const out = { stdout: new TailBuffer(maxBytes), stderr: new TailBuffer(maxBytes) };
      // Matching scans a small window across chunk boundaries, not the whole (bounded) buffer.
      let window = '';
      let matched = false;
      let ended = false;
      let bytes = 0;
      await heartbeating(
        async (cancelled) => {
          const stop = new AbortController();
          const stream = (await engineCall(`follow logs of ${name}`, () =>
            docker.getContainer(name).logs({
              ...logOptions(input, true),
              abortSignal: AbortSignal.any([cancelled, stop.signal]),
            } as unknown as { follow: true }),
          ))! as Readable;
          const timer = setTimeout(() => stop.abort(), timeoutMs);
          const onPayload = (which: 'stdout' | 'stderr', payload: Buffer) => {
            out[which].push(payload);
            bytes += payload.length;
            if (untilText === undefined) return;
            window = (window + payload.toString('utf8')).slice(-(untilText.length + 4096));
            if (window.includes(untilText)) {
              matched = true;
              stop.abort();
            }
          };
          const demux = new Demuxer(onPayload);
          await new Promise<void>((resolve) => {
            stream.on('data', (chunk: Buffer) => (tty ? onPayload('stdout', chunk) : demux.push(chunk)));
            stream.once('end', () => ((ended = !stop.signal.aborted), resolve()));
            stream.once('close', () => resolve());
            stream.once('error', () => resolve());
            stop.signal.addEventListener('abort', () => (stream.destroy(), resolve()));
            cancelled.addEventListener('abort', () => (stream.destroy(), resolve()));
          }).finally(() => clearTimeout(timer));
        },
        () => ({ bytes }),
      );
      return {
        stdout: redactValues(out.stdout.text(), secrets),
        stderr: redactValues(out.stderr.text(), secrets),
        truncated: out.stdout.truncated || out.stderr.truncated,
        matched,
        ended,
      };
    },

    /** One `docker stats` sample (CPU % needs two engine samples, so this takes about a second).
     * Read-only. A stopped container fails with NotRunning. */
    async containerStats({ name }: ContainerRef): Promise<StatsSnapshot> {
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      if (!info!.State.Running)
        throw failure(ErrorType.NotRunning, `stats of ${name}: it is not running (${info!.State.Status})`);
      const raw = await engineCall(`stats of ${name}`, () => docker.getContainer(name).stats({ stream: false }));
      return toStatsSnapshot(raw as unknown as EngineStats);
    },

    /** The container's processes (`docker top`, `ps` columns). Read-only; NotRunning when stopped. */
    async containerTop({ name, psArgs }: ContainerRef & { psArgs?: string }): Promise<TopResult> {
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      if (!info!.State.Running)
        throw failure(ErrorType.NotRunning, `top of ${name}: it is not running (${info!.State.Status})`);
      const r = (await engineCall(`top of ${name}`, () =>
        docker.getContainer(name).top(psArgs ? { ps_args: psArgs } : {}),
      )) as { Titles: string[]; Processes: string[][] };
      return { titles: r.Titles, processes: r.Processes ?? [] };
    },

    /** Files added, changed or deleted against the image (`docker diff`). Read-only. */
    async containerDiff({ name }: ContainerRef): Promise<DiffEntry[]> {
      const r = (await engineCall(`diff of ${name}`, () => docker.getContainer(name).changes())) as Array<{
        Path: string;
        Kind: number;
      }> | null;
      return (r ?? []).map((c) => ({ path: c.Path, kind: DIFF_KINDS[c.Kind] ?? 'modified' }));
    },
  };
}

/** What reading a container's logs needs to know: whether it has a TTY (no stream headers), and its
 * secret values (the `dockhand.secret-env` label's variables), replaced by `<redacted>` in what leaves
 * the agent — logs go into workflow history and onto the terminal of whoever runs `dockhand logs`. */
async function logView(docker: Docker, name: string): Promise<{ tty: boolean; secrets: string[] }> {
  const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
  return { tty: info!.Config.Tty === true, secrets: secretValuesOf(info!) };
}

function logOptions(input: LogsInput, follow: boolean): Record<string, unknown> {
  const now = Date.now();
  try {
    const opts: Record<string, unknown> = {
      stdout: true,
      stderr: true,
      follow,
      timestamps: input.timestamps ?? false,
      // Not following, the Engine sends the whole log as one buffer: bounded by default (review L8).
      tail: input.tail ?? (follow ? 'all' : DEFAULT_LOG_LINES),
      since: input.since !== undefined ? toUnixSeconds(input.since, now) : undefined,
      until: input.until !== undefined ? toUnixSeconds(input.until, now) : undefined,
    };
    for (const k of Object.keys(opts)) if (opts[k] === undefined) delete opts[k];
    return opts;
  } catch (e) {
    throw failure(ErrorType.BadSpec, `logs of ${input.name}: ${(e as Error).message}`);
  }
}
