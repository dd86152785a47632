import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { engineCall } from './engine-errors';

export interface ExecOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

/** Runs a command in a running container and collects its exit code and (bounded) output. A helper
 * for activities, not an activity itself: whether running it twice is safe depends on the command. */
export async function execRun(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: { user?: string; workingDir?: string; env?: string[]; maxBytes?: number; stdin?: string } = {},
): Promise<ExecOutcome> {
  const max = opts.maxBytes ?? 64 * 1024;
  const exec = await engineCall(`exec in ${container}`, () =>
    docker.getContainer(container).exec({
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      AttachStdin: opts.stdin !== undefined,
      User: opts.user,
      WorkingDir: opts.workingDir,
      Env: opts.env,
    }),
  );
  const stream = await engineCall(`start exec in ${container}`, () =>
    exec!.start({ hijack: true, stdin: opts.stdin !== undefined }),
  );
  const out = { stdout: '', stderr: '', truncated: false };
  const sink = (key: 'stdout' | 'stderr') => {
    const p = new PassThrough();
    p.on('data', (d: Buffer) => {
      if (out[key].length < max) out[key] += d.toString('utf8').slice(0, max - out[key].length);
      else out.truncated = true;
    });
    return p;
  };
  docker.modem.demuxStream(stream!, sink('stdout'), sink('stderr'));
  if (opts.stdin !== undefined) stream!.end(opts.stdin);
  await new Promise<void>((resolve, reject) => {
    stream!.on('end', resolve);
    stream!.on('close', resolve);
    stream!.on('error', reject);
  });
  const info = await engineCall(`inspect exec in ${container}`, () => exec!.inspect());
  return { exitCode: info!.ExitCode ?? -1, ...out };
}
