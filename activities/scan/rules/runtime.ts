import type Docker from 'dockerode';
import type { ScanData } from '../scan-data';
import { need, notApplicable, rule, type Rule } from './rule';

// CIS Docker Benchmark v1.6.0, section 5 (Container Runtime), from `docker inspect` unless noted.

/** Capabilities Docker grants by default (moby's oci/caps/defaults.go). */
const DEFAULT_CAPS = new Set([
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
]);
const SENSITIVE_HOST_PATHS = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr'];
const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

type Inspect = Docker.ContainerInspectInfo;
/** The HostConfig fields the checks read, typed (dockerode types several as `any`). */
interface HostConfigView {
  Privileged?: boolean;
  CapAdd?: string[] | null;
  SecurityOpt?: string[] | null;
  Devices?: Array<{ PathOnHost: string; PathInContainer: string }> | null;
  NetworkMode?: string;
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
  UsernsMode?: string;
  Memory?: number;
  CpuShares?: number;
  PidsLimit?: number | null;
  ReadonlyRootfs?: boolean;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
}
const hc = (c: Inspect) => c.HostConfig as unknown as HostConfigView;
const securityOpt = (c: Inspect): string[] => hc(c).SecurityOpt ?? [];
const mounts = (c: Inspect) =>
  (c.Mounts ?? []) as Array<{ Type: string; Source: string; Destination: string; RW: boolean; Propagation: string }>;
function published(c: Inspect): Array<{ port: string; hostIp: string; hostPort: number }> {
  const out: Array<{ port: string; hostIp: string; hostPort: number }> = [];
  for (const [port, binds] of Object.entries(c.NetworkSettings.Ports ?? {}))
    for (const b of binds ?? []) out.push({ port, hostIp: b.HostIp, hostPort: Number(b.HostPort) });
  return out;
}
/** The command line Docker runs for the container's health check: those exec sessions are Docker's own. */
function healthcheckCommand(c: Inspect): string | undefined {
  const test = c.Config.Healthcheck?.Test;
  if (!test || test.length < 2) return undefined;
  return (test[0] === 'CMD-SHELL' ? `/bin/sh -c ${test[1]}` : test.slice(1).join(' ')).slice(0, 200);
}
const humanExecs = (d: ScanData) => need(d.execs).filter((e) => e.command !== healthcheckCommand(d.container));

const daemonHas = (opts: string[], name: string) =>
  opts.some((o) => o === `name=${name}` || o.startsWith(`name=${name},`));

export const runtimeRules: Rule[] = [
  rule(
    {
      id: 'CIS-5.2',
      title: 'AppArmor profile not applied',
      severity: 'medium',
      needs: ['inspect', 'daemon'],
      description: 'An AppArmor profile limits what a compromised container can reach on the host.',
      remediation:
        'Run the container with the default (docker-default) or a custom AppArmor profile: --security-opt apparmor=<profile>.',
    },
    (d) => {
      if (!daemonHas(need(d.daemon).securityOptions, 'apparmor'))
        return notApplicable('the Docker daemon has no AppArmor support on this host');
      const p = d.container.AppArmorProfile;
      return !p || p === 'unconfined' ? [`AppArmorProfile=${JSON.stringify(p ?? '')}`] : [];
    },
  ),
  rule(
    {
      id: 'CIS-5.3',
      title: 'SELinux security options not set',
      severity: 'medium',
      needs: ['inspect', 'daemon'],
      description: 'SELinux labels confine the container when the daemon runs with SELinux enabled.',
      remediation: 'Start the daemon with --selinux-enabled and give the container --security-opt label=…',
    },
    (d) => {
      if (!daemonHas(need(d.daemon).securityOptions, 'selinux'))
        return notApplicable('the Docker daemon runs without SELinux on this host');
      return securityOpt(d.container).some((o) => /^label[=:]/.test(o))
        ? []
        : ['HostConfig.SecurityOpt has no label= option'];
    },
  ),
  rule(
    {
      id: 'CIS-5.4',
      title: 'Capabilities added beyond the defaults',
      severity: 'high',
      needs: ['inspect'],
      description: 'Extra kernel capabilities widen what root in the container can do to the host.',
      remediation: 'Remove --cap-add for these capabilities; prefer --cap-drop ALL and add back only what is needed.',
    },
    (d) =>
      (hc(d.container).CapAdd ?? [])
        .map((c) => c.toUpperCase().replace(/^CAP_/, ''))
        .filter((c) => !DEFAULT_CAPS.has(c))
        .map((c) => `HostConfig.CapAdd includes ${c}`),
  ),
  rule(
    {
      id: 'CIS-5.5',
      title: 'Privileged container',
      severity: 'critical',
      needs: ['inspect'],
      description: 'A privileged container has every capability and all host devices: root in it is root on the host.',
      remediation: 'Run without --privileged; grant only the specific capabilities or devices needed.',
    },
    (d) => (hc(d.container).Privileged ? ['HostConfig.Privileged=true'] : []),
  ),
  rule(
    {
      id: 'CIS-5.6',
      title: 'Sensitive host directory mounted read-write',
      severity: 'high',
      needs: ['inspect'],
      description: 'A writable mount of a host system directory lets the container change the host.',
      remediation: 'Do not mount host system directories; if one is needed, mount it read-only (:ro).',
    },
    (d) =>
      mounts(d.container)
        .filter(
          (m) =>
            m.Type === 'bind' &&
            m.RW &&
            SENSITIVE_HOST_PATHS.some((p) => m.Source === p || (p !== '/' && m.Source.startsWith(`${p}/`))),
        )
        .map((m) => `${m.Source} mounted read-write at ${m.Destination}`),
  ),
  rule(
    {
      id: 'CIS-5.7',
      title: 'sshd runs in the container',
      severity: 'medium',
      needs: ['processes'],
      description: 'An SSH daemon adds an access path that bypasses Docker and needs its own hardening.',
      remediation: 'Remove the SSH server from the image; use docker exec for interactive access.',
    },
    (d) =>
      need(d.processes)
        .filter((p) => p.comm === 'sshd')
        .map((p) => `process ${p.pid}: ${p.args}`),
  ),
  rule(
    {
      id: 'CIS-5.8',
      title: 'Privileged host port mapped',
      severity: 'medium',
      needs: ['inspect'],
      description: 'Host ports below 1024 are reserved for privileged services.',
      remediation: 'Publish the container port on a host port of 1024 or above.',
    },
    (d) =>
      published(d.container)
        .filter((p) => p.hostPort > 0 && p.hostPort < 1024)
        .map((p) => `${p.port} published on host port ${p.hostPort}`),
  ),
  rule(
    {
      id: 'CIS-5.10',
      title: "Host's network namespace shared",
      severity: 'high',
      needs: ['inspect'],
      description: 'With the host network the container sees and can bind every host interface.',
      remediation: 'Do not use --network host; use a user-defined bridge network.',
    },
    (d) => (hc(d.container).NetworkMode === 'host' ? ['HostConfig.NetworkMode=host'] : []),
  ),
  rule(
    {
      id: 'CIS-5.11',
      title: 'No memory limit',
      severity: 'medium',
      needs: ['inspect'],
      description: 'Without a memory limit one container can exhaust the host memory.',
      remediation: 'Set a memory limit (--memory).',
    },
    (d) => (!hc(d.container).Memory ? ['HostConfig.Memory=0 (unlimited)'] : []),
  ),
  rule(
    {
      id: 'CIS-5.12',
      title: 'CPU priority not set',
      severity: 'low',
      needs: ['inspect'],
      description: 'Default CPU shares give every container equal priority, whatever its importance.',
      remediation: 'Set --cpu-shares (other than 1024) to rank the container.',
    },
    (d) => {
      const shares = hc(d.container).CpuShares ?? 0;
      return shares === 0 || shares === 1024 ? [`HostConfig.CpuShares=${shares} (default)`] : [];
    },
  ),
  rule(
    {
      id: 'CIS-5.13',
      title: 'Root filesystem writable',
      severity: 'medium',
      needs: ['inspect'],
      description: 'A writable root filesystem lets an intruder change binaries and configuration in place.',
      remediation: 'Run with --read-only and mount tmpfs or volumes only where writes are needed.',
    },
    (d) => (hc(d.container).ReadonlyRootfs ? [] : ['HostConfig.ReadonlyRootfs=false']),
  ),
  rule(
    {
      id: 'CIS-5.14',
      title: 'Port bound to all host interfaces',
      severity: 'medium',
      needs: ['inspect'],
      description: 'A port published on 0.0.0.0 or :: is reachable on every host interface.',
      remediation: 'Publish on a specific address, e.g. -p 127.0.0.1:8080:8080.',
    },
    (d) =>
      published(d.container)
        .filter((p) => ['', '0.0.0.0', '::'].includes(p.hostIp))
        .map(
          (p) => `${p.port} published on ${p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp || '*'}:${p.hostPort}`,
        ),
  ),
  rule(
    {
      id: 'CIS-5.15',
      title: 'Restart policy not on-failure with at most 5 retries',
      severity: 'low',
      needs: ['inspect'],
      description: 'Unbounded restarts hide crash loops and can be abused to exhaust the host.',
      remediation: 'Use --restart on-failure:5 (or no restart policy).',
    },
    (d) => {
      const p = hc(d.container).RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 };
      if (!p.Name || p.Name === 'no') return [];
      if (p.Name === 'on-failure' && (p.MaximumRetryCount ?? 0) > 0 && (p.MaximumRetryCount ?? 0) <= 5) return [];
      return [`RestartPolicy=${p.Name}${p.Name === 'on-failure' ? `:${p.MaximumRetryCount ?? 0}` : ''}`];
    },
  ),
  rule(
    {
      id: 'CIS-5.16',
      title: "Host's PID namespace shared",
      severity: 'high',
      needs: ['inspect'],
      description: 'With the host PID namespace the container sees, and may signal, every host process.',
      remediation: 'Do not use --pid host.',
    },
    (d) => (hc(d.container).PidMode === 'host' ? ['HostConfig.PidMode=host'] : []),
  ),
  rule(
    {
      id: 'CIS-5.17',
      title: "Host's IPC namespace shared",
      severity: 'high',
      needs: ['inspect'],
      description: 'With the host IPC namespace the container reaches host shared memory and semaphores.',
      remediation: 'Do not use --ipc host.',
    },
    (d) => (hc(d.container).IpcMode === 'host' ? ['HostConfig.IpcMode=host'] : []),
  ),
  rule(
    {
      id: 'CIS-5.18',
      title: 'Host devices exposed',
      severity: 'medium',
      needs: ['inspect'],
      description: 'A host device in the container can be read or written below the kernel’s usual checks.',
      remediation: 'Remove --device options that are not strictly needed; restrict permissions (:r).',
    },
    (d) => (hc(d.container).Devices ?? []).map((dev) => `device ${dev.PathOnHost} at ${dev.PathInContainer}`),
  ),
  rule(
    {
      id: 'CIS-5.20',
      title: 'Mount propagation shared',
      severity: 'medium',
      needs: ['inspect'],
      description: 'A shared mount propagates mounts made in the container back to the host.',
      remediation: 'Use private or slave propagation (the default) for bind mounts.',
    },
    (d) =>
      mounts(d.container)
        .filter((m) => m.Propagation === 'shared' || m.Propagation === 'rshared')
        .map((m) => `${m.Destination} propagation ${m.Propagation}`),
  ),
  rule(
    {
      id: 'CIS-5.21',
      title: "Host's UTS namespace shared",
      severity: 'medium',
      needs: ['inspect'],
      description: 'With the host UTS namespace the container can change the host name.',
      remediation: 'Do not use --uts host.',
    },
    (d) => (hc(d.container).UTSMode === 'host' ? ['HostConfig.UTSMode=host'] : []),
  ),
  rule(
    {
      id: 'CIS-5.22',
      title: 'Seccomp profile disabled',
      severity: 'high',
      needs: ['inspect'],
      description: 'Without seccomp every system call is reachable from the container.',
      remediation: 'Remove --security-opt seccomp=unconfined; use the default or a custom profile.',
    },
    (d) =>
      securityOpt(d.container)
        .filter((o) => /^seccomp[=:]unconfined$/.test(o))
        .map((o) => `HostConfig.SecurityOpt includes ${o}`),
  ),
  rule(
    {
      id: 'CIS-5.23',
      title: 'Exec session run privileged',
      severity: 'high',
      needs: ['execs'],
      description: 'A privileged exec session gets every capability, whatever the container was started with.',
      remediation: 'Do not use docker exec --privileged.',
    },
    (d) =>
      humanExecs(d)
        .filter((e) => e.privileged)
        .map((e) => `exec ${e.id.slice(0, 12)} (${e.running ? 'running' : 'finished'}): ${e.command}`),
  ),
  rule(
    {
      id: 'CIS-5.24',
      title: 'Exec session run as root',
      severity: 'medium',
      needs: ['execs'],
      description: 'An exec session as root bypasses the non-root user the container runs as.',
      remediation: 'Do not use docker exec --user root (or 0).',
    },
    (d) =>
      humanExecs(d)
        .filter((e) => /^(root|0)(:|$)/.test(e.user))
        .map((e) => `exec ${e.id.slice(0, 12)} as ${e.user} (${e.running ? 'running' : 'finished'}): ${e.command}`),
  ),
  rule(
    {
      id: 'CIS-5.26',
      title: 'Container may acquire new privileges',
      severity: 'medium',
      needs: ['inspect'],
      description: 'Without no-new-privileges a setuid binary can raise a process’s privileges.',
      remediation: 'Run with --security-opt no-new-privileges.',
    },
    (d) =>
      securityOpt(d.container).some((o) => /^no-new-privileges(([=:]true)?)$/.test(o))
        ? []
        : ['HostConfig.SecurityOpt lacks no-new-privileges'],
  ),
  rule(
    {
      id: 'CIS-5.27',
      title: 'No health check at runtime',
      severity: 'low',
      needs: ['inspect'],
      description: 'Without a health check a hung service looks healthy to Docker and to orchestration.',
      remediation: 'Add a HEALTHCHECK to the image or --health-cmd to the container.',
    },
    (d) => {
      const test = d.container.Config.Healthcheck?.Test;
      return !test || test.length === 0 || test[0] === 'NONE' ? ['Config.Healthcheck is not set'] : [];
    },
  ),
  rule(
    {
      id: 'CIS-5.29',
      title: 'No PIDs limit',
      severity: 'medium',
      needs: ['inspect'],
      description: 'Without a PIDs limit a fork bomb in the container exhausts the host’s process table.',
      remediation: 'Set --pids-limit.',
    },
    (d) => {
      const limit = hc(d.container).PidsLimit;
      return !limit || limit <= 0 ? [`HostConfig.PidsLimit=${limit ?? 'null'}`] : [];
    },
  ),
  rule(
    {
      id: 'CIS-5.30',
      title: 'Default bridge network used',
      severity: 'low',
      needs: ['inspect'],
      description: 'Containers on docker0 can reach each other without isolation or name resolution control.',
      remediation: 'Attach the container to a user-defined network.',
    },
    (d) => {
      const mode = hc(d.container).NetworkMode;
      return mode === 'default' || mode === 'bridge' || 'bridge' in (d.container.NetworkSettings.Networks ?? {})
        ? ['attached to the default bridge (docker0)']
        : [];
    },
  ),
  rule(
    {
      id: 'CIS-5.31',
      title: "Host's user namespace shared",
      severity: 'medium',
      needs: ['inspect'],
      description: 'Opting out of user namespace remapping maps container root to host root.',
      remediation: 'Do not use --userns host.',
    },
    (d) => (hc(d.container).UsernsMode === 'host' ? ['HostConfig.UsernsMode=host'] : []),
  ),
  rule(
    {
      id: 'CIS-5.32',
      title: 'Docker socket mounted',
      severity: 'critical',
      needs: ['inspect'],
      description: 'The Docker socket gives full control of the Docker host — equal to root on it.',
      remediation: 'Do not mount docker.sock into containers; use a narrowly scoped API proxy if one is unavoidable.',
    },
    (d) =>
      mounts(d.container)
        .filter((m) => DOCKER_SOCKETS.includes(m.Source) || m.Source.endsWith('/docker.sock'))
        .map((m) => `${m.Source} mounted at ${m.Destination}${m.RW ? '' : ' (read-only)'}`),
  ),
];
