import type Docker from 'dockerode';
import type { ContainerSpec } from '../../common/spec/container-spec';
import type { LoggingSpec } from '../../common/spec/logging';
import type { MountSpec } from '../../common/spec/mounts';
import type { ResourcesSpec, ResourcesUpdate } from '../../common/spec/resources';
import type { SecuritySpec } from '../../common/spec/security';
import { needsUserNetwork } from '../../common/spec/network-mode';

const MS_TO_NS = 1_000_000;
const CPUS_TO_NANO = 1e9;

/**
 * The Engine's create body for a validated spec: the plan only, nothing runs here. `env` holds the
 * resolved environment (plain, env-file and secret values) because the Engine needs clear text; the
 * caller never returns this body to a workflow. Fields the spec leaves out stay undefined, so they
 * neither reach the Engine nor change the spec hash of older specs.
 */
export function toCreateBody(
  spec: ContainerSpec,
  name: string,
  labels: Record<string, string>,
  env: Record<string, string>,
): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of spec.ports) {
    const key = `${p.container}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.host ? String(p.host) : '' });
  }
  const hc = spec.healthcheck;
  const network = spec.network ?? 'bridge';
  return {
    name,
    Image: spec.image,
    Cmd: spec.command,
    Entrypoint: spec.entrypoint,
    Env: Object.keys(env)
      .sort()
      .map((k) => `${k}=${env[k]}`),
    WorkingDir: spec.workingDir,
    User: spec.user,
    Labels: { ...spec.labels, ...labels },
    ExposedPorts: spec.ports.length ? exposed : undefined,
    StopSignal: spec.stopSignal,
    StopTimeout: spec.stopTimeout,
    Healthcheck: hc && {
      Test: typeof hc.test === 'string' ? ['CMD-SHELL', hc.test] : hc.test,
      Interval: hc.interval !== undefined ? hc.interval * MS_TO_NS : undefined,
      Timeout: hc.timeout !== undefined ? hc.timeout * MS_TO_NS : undefined,
      StartPeriod: hc.startPeriod !== undefined ? hc.startPeriod * MS_TO_NS : undefined,
      Retries: hc.retries,
    },
    HostConfig: {
      Init: spec.init,
      RestartPolicy: spec.restart && { Name: spec.restart.policy, MaximumRetryCount: spec.restart.maxRetries },
      PortBindings: spec.ports.length ? bindings : undefined,
      NetworkMode: network,
      ...(spec.resources ? resourcesHostConfig(spec.resources) : {}),
      ...(spec.security ? securityHostConfig(spec.security) : {}),
      LogConfig: spec.logging && logConfig(spec.logging),
      Mounts: spec.mounts?.map(mount),
    },
    NetworkingConfig: !needsUserNetwork(spec.network)
      ? undefined
      : { EndpointsConfig: { [network]: { Aliases: spec.networkAliases.length ? spec.networkAliases : undefined } } },
  };
}

/** Cgroup limits as HostConfig fields ("1.5" CPUs → NanoCpus 1500000000; sizes already in bytes). */
function resourcesHostConfig(r: ResourcesSpec): Docker.HostConfig {
  return {
    Memory: r.memory,
    MemoryReservation: r.memoryReservation,
    MemorySwap: r.memorySwap,
    MemorySwappiness: r.memorySwappiness,
    OomKillDisable: r.oomKillDisable,
    NanoCpus: r.cpus !== undefined ? Math.round(r.cpus * CPUS_TO_NANO) : undefined,
    CpuShares: r.cpuShares,
    CpuPeriod: r.cpuPeriod,
    CpuQuota: r.cpuQuota,
    CpusetCpus: r.cpusetCpus,
    CpusetMems: r.cpusetMems,
    PidsLimit: r.pidsLimit,
    BlkioWeight: r.blkioWeight,
    BlkioDeviceReadBps: r.deviceReadBps?.map((d) => ({ Path: d.path, Rate: d.rate })),
    BlkioDeviceWriteBps: r.deviceWriteBps?.map((d) => ({ Path: d.path, Rate: d.rate })),
    BlkioDeviceReadIOps: r.deviceReadIops?.map((d) => ({ Path: d.path, Rate: d.iops })),
    BlkioDeviceWriteIOps: r.deviceWriteIops?.map((d) => ({ Path: d.path, Rate: d.iops })),
  };
}

/** The body of `POST /containers/{id}/update` (`docker update`) for a validated resource change. */
export function toUpdateBody(u: ResourcesUpdate): Record<string, unknown> {
  const { restart, ...resources } = u;
  const body: Record<string, unknown> = {
    ...resourcesHostConfig(resources),
    RestartPolicy: restart && { Name: restart.policy, MaximumRetryCount: restart.maxRetries },
  };
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

function securityHostConfig(s: SecuritySpec): Docker.HostConfig {
  // The CLI's --security-opt no-new-privileges lands in SecurityOpt too; it is one list for the Engine.
  const securityOpt = [...(s.securityOpt ?? []), ...(s.noNewPrivileges ? ['no-new-privileges'] : [])];
  return {
    ReadonlyRootfs: s.readOnlyRootfs,
    Tmpfs: s.tmpfs,
    CapAdd: s.capAdd,
    CapDrop: s.capDrop,
    SecurityOpt: securityOpt.length ? securityOpt : undefined,
    Privileged: s.privileged,
    Devices: s.devices?.map((d) => ({
      PathOnHost: d.hostPath,
      PathInContainer: d.containerPath ?? d.hostPath,
      CgroupPermissions: d.permissions,
    })),
  };
}

/** json-file/local rotation options in the Engine's own spelling (max-size in bytes). */
function logConfig(l: LoggingSpec): { Type: string; Config: Record<string, string> } {
  const config: Record<string, string> = { ...l.options };
  if (l.maxSize !== undefined) config['max-size'] = String(l.maxSize);
  if (l.maxFile !== undefined) config['max-file'] = String(l.maxFile);
  return { Type: l.driver, Config: config };
}

function mount(m: MountSpec): Docker.MountSettings {
  switch (m.type) {
    case 'volume':
      return { Type: 'volume', Source: m.source ?? '', Target: m.target, ReadOnly: m.readOnly };
    case 'bind':
      return { Type: 'bind', Source: m.source, Target: m.target, ReadOnly: m.readOnly };
    case 'tmpfs':
      return {
        Type: 'tmpfs',
        Target: m.target,
        TmpfsOptions: m.sizeBytes !== undefined ? { SizeBytes: m.sizeBytes } : undefined,
      } as Docker.MountSettings;
  }
}
