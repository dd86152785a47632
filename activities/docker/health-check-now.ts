import type Docker from 'dockerode';
import { execRun } from './exec-run';

/** What the Engine's inspect says of a container's health check (Config.Healthcheck, Config.Shell). */
export interface DeclaredHealthCheck {
  Test?: string[];
  /** Nanoseconds; 0 or absent: Docker's default. */
  Timeout?: number;
}

/** Docker's timeout of a health check that declares none. */
const DEFAULT_CHECK_TIMEOUT_MS = 30_000;

/** The command Docker runs for a declared health check ("CMD" argv, or "CMD-SHELL" through the
 * container's shell); undefined when there is none ("NONE", or nothing declared). Pure. */
export function healthCheckCommand(check: DeclaredHealthCheck | undefined, shell?: string[]): string[] | undefined {
  const [kind, ...rest] = check?.Test ?? [];
  if (kind === 'CMD' && rest.length > 0) return rest;
  if (kind === 'CMD-SHELL' && rest.length > 0) return [...(shell?.length ? shell : ['/bin/sh', '-c']), rest.join(' ')];
  return undefined;
}

/** What the agent's own run of a container's check said: passed, or the line a failure reports. */
export interface CheckNowOutcome {
  passed: boolean;
  said: string;
}

/**
 * Runs the container's own health check once, now, as Docker runs it (an exec of its test as the
 * container's user, bounded by its timeout). Docker 20.10 runs the first check only one interval after
 * the start (no start interval), so an image that checks every 10 s would hold a deploy 10 s for
 * nothing. A check that cannot run (the container stopped meanwhile) did not pass; the caller's next
 * look at the container says why. `said` is raw output: redact it before it leaves the agent.
 */
export async function runHealthCheckNow(
  docker: Docker,
  name: string,
  config: { Healthcheck?: DeclaredHealthCheck; Shell?: string[] },
): Promise<CheckNowOutcome> {
  const cmd = healthCheckCommand(config.Healthcheck, config.Shell);
  if (!cmd) return { passed: false, said: 'no health check declared' };
  const timeoutMs = config.Healthcheck?.Timeout ? config.Healthcheck.Timeout / 1e6 : DEFAULT_CHECK_TIMEOUT_MS;
  try {
    const r = await execRun(docker, name, cmd, { timeoutMs, maxBytes: 4096 });
    return { passed: r.exitCode === 0, said: `[exit ${r.exitCode}] ${(r.stdout + r.stderr).trim()}` };
  } catch (err) {
    return { passed: false, said: `could not run: ${(err as Error).message}` };
  }
}
