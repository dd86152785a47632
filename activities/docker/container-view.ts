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
  config: {
    cmd: string[] | null;
    entrypoint: string[] | null;
    /** Variable names only: values may be secrets, and this view is written to history. */
    envNames: string[];
    workingDir: string;
    user: string;
    stopSignal?: string;
    stopTimeout?: number;
  };
  hostConfig: {
    networkMode: string;
    restartPolicy: { name: string; maxRetries: number };
    init: boolean;
    memory: number;
    memoryReservation: number;
    memorySwap: number;
    memorySwappiness: number | null;
    oomKillDisable: boolean;
    nanoCpus: number;
    cpuShares: number;
    cpuPeriod: number;
    cpuQuota: number;
    cpusetCpus: string;
    cpusetMems: string;
    pidsLimit: number | null;
    blkioWeight: number;
    readonlyRootfs: boolean;
    tmpfs: Record<string, string>;
    capAdd: string[];
    capDrop: string[];
    securityOpt: string[];
    privileged: boolean;
    devices: Array<{ hostPath: string; containerPath: string; permissions: string }>;
    logConfig: { type: string; config: Record<string, string> };
  };
  mounts: Array<{ type: string; name?: string; source: string; destination: string; readOnly: boolean }>;
}

const HEALTH_LOG_ENTRIES = 5;
const HEALTH_OUTPUT_CHARS = 500;

export function toContainerView(info: Docker.ContainerInspectInfo): ContainerView {
  const s = info.State;
  const health = (
    s as {
      Health?: {
        Status: string;
        FailingStreak: number;
        Log?: Array<{ ExitCode: number; Output: string; End: string }>;
      };
    }
  ).Health;
  const ports: PublishedPort[] = [];
  for (const [key, binds] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const b of binds ?? []) {
      ports.push({
        container: Number(port),
        protocol: protocol as 'tcp' | 'udp',
        hostIp: b.HostIp,
        hostPort: Number(b.HostPort),
      });
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
      log: (health.Log ?? [])
        .slice(-HEALTH_LOG_ENTRIES)
        .map((l) => ({ exitCode: l.ExitCode, output: l.Output.slice(0, HEALTH_OUTPUT_CHARS), end: l.End })),
    },
    ports,
    networks,
    config: {
      cmd: info.Config.Cmd ?? null,
      entrypoint: (info.Config.Entrypoint as string[] | null | undefined) ?? null,
      envNames: (info.Config.Env ?? []).map((e) => e.split('=')[0]!),
      workingDir: info.Config.WorkingDir,
      user: info.Config.User,
      stopSignal: (info.Config as { StopSignal?: string }).StopSignal,
      stopTimeout: (info.Config as { StopTimeout?: number }).StopTimeout,
    },
    hostConfig: hostConfigView(info.HostConfig),
    mounts: (info.Mounts ?? []).map((m) => ({
      type: m.Type,
      name: m.Name,
      source: m.Source,
      destination: m.Destination,
      readOnly: !m.RW,
    })),
  };
}

type HostConfigInfo = Docker.HostConfig & { Init?: boolean | null };

function hostConfigView(h: HostConfigInfo): ContainerView['hostConfig'] {
  return {
    networkMode: h.NetworkMode ?? '',
    restartPolicy: { name: h.RestartPolicy?.Name ?? '', maxRetries: h.RestartPolicy?.MaximumRetryCount ?? 0 },
    init: h.Init ?? false,
    memory: h.Memory ?? 0,
    memoryReservation: h.MemoryReservation ?? 0,
    memorySwap: h.MemorySwap ?? 0,
    memorySwappiness: h.MemorySwappiness ?? null,
    oomKillDisable: h.OomKillDisable ?? false,
    nanoCpus: h.NanoCpus ?? 0,
    cpuShares: h.CpuShares ?? 0,
    cpuPeriod: h.CpuPeriod ?? 0,
    cpuQuota: h.CpuQuota ?? 0,
    cpusetCpus: h.CpusetCpus ?? '',
    cpusetMems: h.CpusetMems ?? '',
    pidsLimit: h.PidsLimit ?? null,
    blkioWeight: h.BlkioWeight ?? 0,
    readonlyRootfs: h.ReadonlyRootfs ?? false,
    tmpfs: h.Tmpfs ?? {},
    capAdd: (h.CapAdd as string[] | null | undefined) ?? [],
    capDrop: (h.CapDrop as string[] | null | undefined) ?? [],
    securityOpt: (h.SecurityOpt as string[] | null | undefined) ?? [],
    privileged: h.Privileged ?? false,
    devices: (
      (h.Devices ?? []) as Array<{ PathOnHost: string; PathInContainer: string; CgroupPermissions: string }>
    ).map((d) => ({ hostPath: d.PathOnHost, containerPath: d.PathInContainer, permissions: d.CgroupPermissions })),
    logConfig: {
      type: h.LogConfig?.Type ?? '',
      config: (h.LogConfig?.Config as Record<string, string> | undefined) ?? {},
    },
  };
}
