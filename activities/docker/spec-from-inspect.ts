import type Docker from 'dockerode';
import type { ContainerSpecInput } from '../../common/spec/container-spec';
import { RESERVED_LABEL_PREFIX } from '../../common/labels';
import { needsUserNetwork } from '../../common/spec/network-mode';
import { MODELLED_LOG_DRIVERS } from './unmodelled-settings';

const NS_TO_MS = 1e-6;
const NO_NEW_PRIVILEGES = /^no-new-privileges(:true|=true)?$/;

interface HostConfigInfo {
  Init?: boolean | null;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  NetworkMode?: string;
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  ReadonlyRootfs?: boolean;
  Tmpfs?: Record<string, string> | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  SecurityOpt?: string[] | null;
  Privileged?: boolean;
  LogConfig?: { Type?: string; Config?: Record<string, string> };
  Mounts?: Array<{ Type: string; Target: string; TmpfsOptions?: { SizeBytes?: number } }> | null;
}

/**
 * The spec that recreates a container as it runs now, read from its inspect — without its
 * environment values (they may be secrets and the spec goes to workflow history: the host agent
 * copies them from the old container at create time) and without Dockhand's own labels (the spec
 * refuses them; they are copied too). Pure. Extra networks beyond the primary one are not carried.
 */
export function specFromInspect(info: Docker.ContainerInspectInfo): ContainerSpecInput {
  const c = info.Config as Docker.ContainerInspectInfo['Config'] & {
    StopSignal?: string;
    StopTimeout?: number;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  };
  const h = info.HostConfig as HostConfigInfo;
  const hc = c.Healthcheck;
  const network = h.NetworkMode || undefined;
  const aliases = needsUserNetwork(network)
    ? ((info.NetworkSettings.Networks?.[network!]?.Aliases as string[] | null) ?? [])
    : [];
  const securityOpt = (h.SecurityOpt ?? []).filter((o) => !NO_NEW_PRIVILEGES.test(o));
  const spec: ContainerSpecInput = {
    image: c.Image,
    command: c.Cmd ?? undefined,
    entrypoint: (c.Entrypoint as string[] | null | undefined) ?? undefined,
    workingDir: c.WorkingDir || undefined,
    user: c.User || undefined,
    labels: Object.fromEntries(Object.entries(c.Labels ?? {}).filter(([k]) => !k.startsWith(RESERVED_LABEL_PREFIX))),
    init: h.Init || undefined,
    restart:
      h.RestartPolicy?.Name && h.RestartPolicy.Name !== 'no'
        ? {
            policy: h.RestartPolicy.Name as 'always',
            ...(h.RestartPolicy.Name === 'on-failure' ? { maxRetries: h.RestartPolicy.MaximumRetryCount ?? 0 } : {}),
          }
        : undefined,
    stopSignal: c.StopSignal || undefined,
    stopTimeout: c.StopTimeout ?? undefined,
    healthcheck: hc?.Test?.length
      ? clean({
          test: hc.Test,
          interval: ms(hc.Interval),
          timeout: ms(hc.Timeout),
          startPeriod: ms(hc.StartPeriod),
          retries: hc.Retries || undefined,
        })
      : undefined,
    ports: Object.entries(h.PortBindings ?? {}).flatMap(([key, binds]) => {
      const [port, protocol] = key.split('/');
      return (binds ?? []).map((b) => ({
        container: Number(port),
        protocol: protocol as 'tcp' | 'udp',
        ...(Number(b.HostPort) ? { host: Number(b.HostPort) } : {}),
        ...(b.HostIp ? { hostIp: b.HostIp } : {}),
      }));
    }),
    network,
    // The engine adds the container's short id as an alias of its own; it is not the spec's.
    networkAliases: aliases.filter((a) => a !== info.Id.slice(0, 12) && a !== info.Name.replace(/^\//, '')),
    resources: clean({
      memory: h.Memory || undefined,
      memoryReservation: h.MemoryReservation || undefined,
      memorySwap: h.Memory && h.MemorySwap ? h.MemorySwap : undefined,
      cpus: h.NanoCpus ? h.NanoCpus / 1e9 : undefined,
      cpuShares: h.CpuShares || undefined,
      cpuPeriod: h.CpuPeriod || undefined,
      cpuQuota: h.CpuQuota || undefined,
      cpusetCpus: h.CpusetCpus || undefined,
      pidsLimit: h.PidsLimit && h.PidsLimit > 0 ? h.PidsLimit : undefined,
      blkioWeight: h.BlkioWeight || undefined,
    }),
    security: clean({
      readOnlyRootfs: h.ReadonlyRootfs || undefined,
      tmpfs: h.Tmpfs && Object.keys(h.Tmpfs).length ? h.Tmpfs : undefined,
      capAdd: h.CapAdd?.length ? h.CapAdd : undefined,
      capDrop: h.CapDrop?.length ? h.CapDrop : undefined,
      noNewPrivileges: (h.SecurityOpt ?? []).some((o) => NO_NEW_PRIVILEGES.test(o)) || undefined,
      securityOpt: securityOpt.length ? securityOpt : undefined,
      privileged: h.Privileged || undefined,
    }),
    logging:
      h.LogConfig?.Type &&
      MODELLED_LOG_DRIVERS.includes(h.LogConfig.Type) &&
      !(h.LogConfig.Type === 'json-file' && !Object.keys(h.LogConfig.Config ?? {}).length)
        ? { driver: h.LogConfig.Type as 'json-file', options: h.LogConfig.Config }
        : undefined,
    mounts: mounts(info, h),
  };
  return clean(spec as Record<string, unknown>) as ContainerSpecInput;
}

function mounts(info: Docker.ContainerInspectInfo, h: HostConfigInfo): ContainerSpecInput['mounts'] {
  const out: NonNullable<ContainerSpecInput['mounts']> = [];
  for (const m of (info.Mounts ?? []) as Array<{
    Type: string;
    Name?: string;
    Source: string;
    Destination: string;
    RW: boolean;
  }>) {
    // Anonymous volumes keep their generated name: the new container gets the same data.
    if (m.Type === 'volume')
      out.push({ type: 'volume', source: m.Name, target: m.Destination, ...(m.RW ? {} : { readOnly: true }) });
    if (m.Type === 'bind')
      out.push({ type: 'bind', source: m.Source, target: m.Destination, ...(m.RW ? {} : { readOnly: true }) });
  }
  for (const m of h.Mounts ?? [])
    if (m.Type === 'tmpfs')
      out.push({
        type: 'tmpfs',
        target: m.Target,
        ...(m.TmpfsOptions?.SizeBytes ? { sizeBytes: m.TmpfsOptions.SizeBytes } : {}),
      });
  return out.length ? out : undefined;
}

const ms = (ns: number | undefined) => (ns ? Math.round(ns * NS_TO_MS) : undefined);

function clean<T extends Record<string, unknown>>(o: T): T | undefined {
  const kept = Object.entries(o).filter(([, v]) => v !== undefined);
  return kept.length ? (Object.fromEntries(kept) as T) : undefined;
}
