import type { Command } from 'commander';
import type { ContainerSpecInput } from '../../common/spec/container-spec';
import { UsageError } from './exit-codes';
import { collect, int } from './parsers';

export interface SpecOptions {
  image: string;
  port?: string[];
  env?: string[];
  network?: string;
  init?: boolean;
  healthCmd?: string;
  healthInterval?: string;
  healthRetries?: number;
  healthStartPeriod?: string;
  memory?: string;
  cpus?: string;
  user?: string;
}

/** The container flags every command that runs a spec takes, named as `docker run` names them. */
export function addSpecOptions(
  command: Command,
  networkHelp = 'user-defined network to join (created when missing)',
): Command {
  return command
    .option('--env <NAME=value>', 'environment variable, repeatable', collect)
    .option('--network <name>', networkHelp)
    .option('--init', 'run an init as PID 1 (forwards signals, reaps zombies)')
    .option('--health-cmd <command>', "health check run by a shell in the container (default: the image's HEALTHCHECK)")
    .option('--health-interval <duration>', 'time between health checks, e.g. 2s')
    .option('--health-retries <n>', 'consecutive failures that make it unhealthy', int)
    .option('--health-start-period <duration>', 'failures in this first period do not count')
    .option('--memory <size>', 'memory limit, e.g. 256m')
    .option('--cpus <n>', 'CPU limit, e.g. 0.5')
    .option('--user <user>', 'user[:group] the process runs as');
}

/** Turns CLI flags into a spec input (the schema validates it afterwards and names a bad field).
 * --port [hostIp:][hostPort:]containerPort[/proto], --env NAME=value */
export function specFromOptions(o: SpecOptions): ContainerSpecInput {
  const env: Record<string, string> = {};
  for (const kv of o.env ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`--env "${kv}": expected NAME=value`);
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const healthcheck =
    o.healthCmd === undefined
      ? undefined
      : {
          test: ['CMD-SHELL', o.healthCmd],
          ...(o.healthInterval ? { interval: o.healthInterval } : {}),
          ...(o.healthRetries !== undefined ? { retries: o.healthRetries } : {}),
          ...(o.healthStartPeriod ? { startPeriod: o.healthStartPeriod } : {}),
        };
  if (healthcheck === undefined && (o.healthInterval || o.healthRetries !== undefined || o.healthStartPeriod)) {
    throw new UsageError('--health-interval, --health-retries and --health-start-period need --health-cmd');
  }
  const resources =
    o.memory || o.cpus ? { ...(o.memory ? { memory: o.memory } : {}), ...(o.cpus ? { cpus: o.cpus } : {}) } : undefined;
  return {
    image: o.image,
    env,
    network: o.network,
    init: o.init,
    ports: (o.port ?? []).map(parsePort),
    ...(healthcheck ? { healthcheck } : {}),
    ...(resources ? { resources } : {}),
    ...(o.user ? { user: o.user } : {}),
  };
}

export function parsePort(text: string): NonNullable<ContainerSpecInput['ports']>[number] {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(text);
  if (!m)
    throw new UsageError(
      `--port "${text}": expected [hostIp:][hostPort:]containerPort[/tcp|udp], e.g. 127.0.0.1:8080:80`,
    );
  return {
    hostIp: m[1],
    host: m[2] === undefined ? undefined : Number(m[2]),
    container: Number(m[3]),
    protocol: (m[4] as 'tcp' | 'udp' | undefined) ?? 'tcp',
  };
}
