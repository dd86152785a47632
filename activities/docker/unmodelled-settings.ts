import type Docker from 'dockerode';

/** The log drivers the spec models (specFromInspect carries them). */
export const MODELLED_LOG_DRIVERS = ['json-file', 'local', 'none', 'syslog'];
/** The Engine's default /dev/shm size (64 MiB): any other was asked for. */
const DEFAULT_SHM_BYTES = 64 * 1024 * 1024;
/** Namespace modes that are the Engine's defaults (nothing shared with the host or another container). */
const DEFAULT_MODES = ['', 'private', 'shareable', 'default'];

type Info = Docker.ContainerInspectInfo;
const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.length > 0 : !!v && Object.keys(v).length > 0);

/**
 * Settings a container runs with that the container spec does not model, so a copy made from
 * specFromInspect would silently lose them (review M11) — each as "<inspect field> (<value>)".
 * Hardening refuses such a container rather than carry them: carrying raw HostConfig would bypass the
 * spec's validation, its hash and the plan a person approves; refusing names the field, so a person can
 * decide. `engineDefaultRuntime` is the Engine's (its info's DefaultRuntime), which a copy gets too. Pure.
 */
export function unmodelledSettings(info: Info, engineDefaultRuntime: string): string[] {
  const h = info.HostConfig as Record<string, unknown>;
  const c = info.Config as unknown as Record<string, unknown>;
  const found: string[] = [];
  const check = (field: string, value: unknown, set: boolean) => {
    if (set) found.push(`${field} (${JSON.stringify(value)})`);
  };
  for (const f of [
    'Devices',
    'DeviceRequests',
    'DeviceCgroupRules',
    'Ulimits',
    'Sysctls',
    'ExtraHosts',
    'Dns',
    'DnsOptions',
    'DnsSearch',
    'GroupAdd',
    'Links',
    'VolumesFrom',
    'BlkioDeviceReadBps',
    'BlkioDeviceWriteBps',
    'BlkioDeviceReadIOps',
    'BlkioDeviceWriteIOps',
    'BlkioWeightDevice',
  ])
    check(`HostConfig.${f}`, h[f], nonEmpty(h[f]));
  for (const f of ['PidMode', 'IpcMode', 'UTSMode', 'UsernsMode'])
    check(`HostConfig.${f}`, h[f], typeof h[f] === 'string' && !DEFAULT_MODES.includes(h[f]));
  check(
    'HostConfig.ShmSize',
    h.ShmSize,
    typeof h.ShmSize === 'number' && h.ShmSize > 0 && h.ShmSize !== DEFAULT_SHM_BYTES,
  );
  check('HostConfig.OomKillDisable', h.OomKillDisable, h.OomKillDisable === true);
  check('HostConfig.OomScoreAdj', h.OomScoreAdj, typeof h.OomScoreAdj === 'number' && h.OomScoreAdj !== 0);
  check(
    'HostConfig.MemorySwappiness',
    h.MemorySwappiness,
    typeof h.MemorySwappiness === 'number' && h.MemorySwappiness >= 0,
  );
  check('HostConfig.CpusetMems', h.CpusetMems, !!h.CpusetMems);
  check('HostConfig.CgroupParent', h.CgroupParent, !!h.CgroupParent);
  // The Engine records its default runtime on every container (runc, or crun, …): a copy gets it too.
  check('HostConfig.Runtime', h.Runtime, !!h.Runtime && h.Runtime !== engineDefaultRuntime);
  const log = h.LogConfig as { Type?: string } | undefined;
  check('HostConfig.LogConfig.Type', log?.Type, !!log?.Type && !MODELLED_LOG_DRIVERS.includes(log.Type));
  check('Config.Tty', c.Tty, c.Tty === true);
  check('Config.OpenStdin', c.OpenStdin, c.OpenStdin === true);
  // The Engine's default hostname is the short id.
  check('Config.Hostname', c.Hostname, !!c.Hostname && c.Hostname !== info.Id.slice(0, 12));
  check('Config.Domainname', c.Domainname, !!c.Domainname);
  return found;
}
