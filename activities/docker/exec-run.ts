import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { ErrorType, failure } from '../../common/errors';
import { engineCall } from './engine-errors';
import { Demuxer, TailBuffer } from './output-buffer';

export interface ExecOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export interface ExecRunOptions {
  user?: string;
  workingDir?: string;
  /** KEY=value pairs. */
  env?: string[];
  /** Written to the command's stdin, which is then closed. */
  stdin?: string;
  /** Bytes kept of each stream: the newest ones (the end of the output is what explains a failure). */
  maxBytes?: number;
  /** The command's stream is cut and WaitTimeout thrown after this long. */
  timeoutMs?: number;
  /** Aborting cuts the stream (the activity was cancelled); the outcome is then partial. */
  signal?: AbortSignal;
}

const DEFAULT_MAX_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;
/** The stream can end a moment before the Engine records the exit code: up to 50 looks, 20 ms apart. */
const EXIT_CODE_LOOKS = 50;
const EXIT_CODE_POLL_MS = 20;

/** Runs a command in a running container and collects its exit code and (bounded) output. The one
 * exec path: the execInContainer activity and the edge both use it. A helper, not an activity:
 * whether running it twice is safe depends on the command. */
export async function execRun(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: ExecRunOptions = {},
): Promise<ExecOutcome> {
  const max = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const withStdin = opts.stdin !== undefined;
  const exec = (await engineCall(`exec in ${container}`, () =>
    docker.getContainer(container).exec({
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: withStdin,
      User: opts.user,
      WorkingDir: opts.workingDir,
      Env: opts.env,
    }),
  ))!;
  const stream = (await engineCall<Duplex>(`start exec in ${container}`, () =>
    exec.start({ hijack: true, stdin: withStdin }),
  ))!;
  const out = { stdout: new TailBuffer(max), stderr: new TailBuffer(max) };
  const demux = new Demuxer((which, payload) => out[which].push(payload));
  let timedOut = false;
  const onAbort = () => stream.destroy();
  await new Promise<void>((resolve, reject) => {
    // Every way out settles the wait once and lets go of the timer and the abort listener: an agent
    // runs thousands of execs, none may leave a pending promise or a listener behind.
    const settle = (e?: Error) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (e) reject(e);
      else resolve();
    };
    const timer = setTimeout(() => ((timedOut = true), stream.destroy(), settle()), timeoutMs);
    stream.on('data', (c: Buffer) => demux.push(c));
    stream.once('end', () => settle());
    stream.once('close', () => settle());
    stream.once('error', (e) => settle(e));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (withStdin) stream.end(opts.stdin);
  });
  if (timedOut)
    throw failure(ErrorType.WaitTimeout, `exec in ${container}: ${cmd[0]} still running after ${timeoutMs} ms`);
  let code: number | null = null;
  for (let i = 0; i < EXIT_CODE_LOOKS && code === null && !opts.signal?.aborted; i++) {
    const s = (await engineCall(`inspect exec in ${container}`, () => exec.inspect()))!;
    code = s.Running ? null : s.ExitCode;
    if (code === null) await new Promise((r) => setTimeout(r, EXIT_CODE_POLL_MS));
  }
  return {
    exitCode: code ?? -1,
    stdout: out.stdout.text(),
    stderr: out.stderr.text(),
    truncated: out.stdout.truncated || out.stderr.truncated,
  };
}
