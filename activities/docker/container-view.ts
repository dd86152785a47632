import type Docker from 'dockerode';
import type { PublishedPort } from '../../common/ensure-service';

/** The typed subset of `docker inspect` that workflows use (small: it is written to history). */
export interface ContainerView {
  id: string;
  name: string;
  image: string;
  imageId: string;
  labels: Record<string, string>;
  state: {
    status: string;
    running: boolean;
    paused: boolean;
    exitCode: number;
    oomKilled: boolean;
    restartCount: number;
    startedAt: string;
    finishedAt: string;
    error: string;
  };
  /** Absent when the container has no health check. */
  health?: { status: string; failingStreak: number; log: Array<{ exitCode: number; output: string; end: string }> };
  ports: PublishedPort[];
  networks: Record<string, { ip: string; aliases: string[] }>;
}

const HEALTH_LOG_ENTRIES = 5;
const HEALTH_OUTPUT_CHARS = 500;

export function toContainerView(info: Docker.ContainerInspectInfo): ContainerView {
  const s = info.State;
  const health = (s as { Health?: { Status: string; FailingStreak: number; Log?: Array<{ ExitCode: number; Output: string; End: string }> } }).Health;
  const ports: PublishedPort[] = [];
  for (const [key, binds] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const b of binds ?? []) {
      ports.push({ container: Number(port), protocol: protocol as 'tcp' | 'udp', hostIp: b.HostIp, hostPort: Number(b.HostPort) });
    }
  }
  const networks: ContainerView['networks'] = {};
  for (const [name, n] of Object.entries(info.NetworkSettings.Networks ?? {})) {
    networks[name] = { ip: n.IPAddress, aliases: (n.Aliases as string[] | null) ?? [] };
  }
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    imageId: info.Image,
    labels: info.Config.Labels ?? {},
    state: {
      status: s.Status,
      running: s.Running,
      paused: s.Paused,
      exitCode: s.ExitCode,
      oomKilled: s.OOMKilled,
      restartCount: info.RestartCount,
      startedAt: s.StartedAt,
      finishedAt: s.FinishedAt,
      error: s.Error,
    },
    health: health && {
      status: health.Status,
      failingStreak: health.FailingStreak,
      log: (health.Log ?? []).slice(-HEALTH_LOG_ENTRIES).map((l) => ({ exitCode: l.ExitCode, output: l.Output.slice(0, HEALTH_OUTPUT_CHARS), end: l.End })),
    },
    ports,
    networks,
  };
}
