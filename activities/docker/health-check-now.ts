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

/**
 * Runs the container's own health check once, now, as Docker runs it (an exec of its test as the
 * container's user, bounded by its timeout): true when it passes. Docker 20.10 runs the first check
 * only one interval after the start (no start interval), so an image that checks every 10 s would
 * hold a deploy 10 s for nothing. A check that cannot run (the container stopped meanwhile) did not
 * pass; the caller's next look at the container says why.
 */
export async function passesHealthCheckNow(
  docker: Docker,
  name: string,
  config: { Healthcheck?: DeclaredHealthCheck; Shell?: string[] },
): Promise<boolean> {
  const cmd = healthCheckCommand(config.Healthcheck, config.Shell);
  if (!cmd) return false;
  const timeoutMs = config.Healthcheck?.Timeout ? config.Healthcheck.Timeout / 1e6 : DEFAULT_CHECK_TIMEOUT_MS;
  const run = await execRun(docker, name, cmd, { timeoutMs, maxBytes: 4096 }).catch(() => undefined);
  return run?.exitCode === 0;
}
