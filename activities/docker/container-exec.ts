import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { ErrorType, failure } from '../../common/errors';
import type { ExecInput, ExecResult } from '../../common/docker-activities';
import { engineCall } from './engine-errors';
import { heartbeating } from './long-running';
import { Demuxer, TailBuffer } from './output-buffer';

const DEFAULT_OUTPUT_BYTES = 64 * 1024;
const DEFAULT_EXEC_TIMEOUT_MS = 60_000;

export function createExecActivities(docker: Docker) {
  return {
    /** Runs a command in a running container and returns its exit code and output (the newest
     * `maxOutputBytes` of each stream). Twice: the command runs again — only idempotent commands
     * belong here. NotRunning when the container is stopped; WaitTimeout past `timeoutMs`. */
    async execInContainer({
      name,
      command,
      user,
      workingDir,
      env,
      maxOutputBytes = DEFAULT_OUTPUT_BYTES,
      timeoutMs = DEFAULT_EXEC_TIMEOUT_MS,
    }: ExecInput): Promise<ExecResult> {
      if (command.length === 0) throw failure(ErrorType.BadSpec, 'command: must name a program');
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      if (!info!.State.Running || info!.State.Paused)
        throw failure(ErrorType.NotRunning, `exec in ${name}: it is not running (${info!.State.Status})`);
      const exec = (await engineCall(`exec in ${name}`, () =>
        docker.getContainer(name).exec({
          Cmd: command,
          User: user,
          WorkingDir: workingDir,
          Env: env && Object.entries(env).map(([k, v]) => `${k}=${v}`),
          AttachStdout: true,
          AttachStderr: true,
        }),
      ))!;
      const out = { stdout: new TailBuffer(maxOutputBytes), stderr: new TailBuffer(maxOutputBytes) };
      let timedOut = false;
      await heartbeating(async (cancelled) => {
        const stream = (await engineCall<Duplex>(`start exec in ${name}`, () =>
          exec.start({ hijack: true, stdin: false }),
        ))!;
        const demux = new Demuxer((which, payload) => out[which].push(payload));
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => ((timedOut = true), stream.destroy(), resolve()), timeoutMs);
          const done = () => (clearTimeout(timer), resolve());
          stream.on('data', (c: Buffer) => demux.push(c));
          stream.once('end', done);
          stream.once('close', done);
          stream.once('error', (e) => (clearTimeout(timer), reject(e)));
          cancelled.addEventListener('abort', () => (stream.destroy(), done()));
        });
      });
      if (timedOut)
        throw failure(ErrorType.WaitTimeout, `exec in ${name}: ${command[0]} still running after ${timeoutMs} ms`);
      // The stream can end a moment before the Engine records the exit code.
      let code: number | null = null;
      for (let i = 0; i < 50 && code === null; i++) {
        const s = (await engineCall(`inspect exec in ${name}`, () => exec.inspect()))!;
        code = s.Running ? null : s.ExitCode;
        if (code === null) await new Promise((r) => setTimeout(r, 20));
      }
      return {
        exitCode: code ?? -1,
        stdout: out.stdout.text(),
        stderr: out.stderr.text(),
        truncated: out.stdout.truncated || out.stderr.truncated,
      };
    },
  };
}
