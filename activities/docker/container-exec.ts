import type Docker from 'dockerode';
import { ErrorType, failure } from '../../common/errors';
import type { ExecInput, ExecResult } from '../../common/docker-activities';
import { engineCall } from './engine-errors';
import { execRun } from './exec-run';
import { heartbeating } from './long-running';
import { redactValues } from '../../common/redact';
import { secretValuesOf } from './container-secrets';

export function createExecActivities(docker: Docker) {
  return {
    /** Runs a command in a running container and returns its exit code and output (the newest
     * `maxOutputBytes` of each stream). Twice: the command runs again — only idempotent commands
     * belong here. NotRunning when the container is stopped; WaitTimeout past `timeoutMs`. The
     * container's secret values (its dockhand.secret-env variables) are `<redacted>` in the output. */
    async execInContainer({
      name,
      command,
      user,
      workingDir,
      env,
      maxOutputBytes,
      timeoutMs,
    }: ExecInput): Promise<ExecResult> {
      if (command.length === 0) throw failure(ErrorType.BadSpec, 'command: must name a program');
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      if (!info!.State.Running || info!.State.Paused)
        throw failure(ErrorType.NotRunning, `exec in ${name}: it is not running (${info!.State.Status})`);
      const result = await heartbeating((signal) =>
        execRun(docker, name, command, {
          user,
          workingDir,
          env: env && Object.entries(env).map(([k, v]) => `${k}=${v}`),
          maxBytes: maxOutputBytes,
          timeoutMs,
          signal,
        }),
      );
      // The output goes into history: the container's secret values (dockhand.secret-env) never do.
      const secrets = secretValuesOf(info!);
      return { ...result, stdout: redactValues(result.stdout, secrets), stderr: redactValues(result.stderr, secrets) };
    },
  };
}
