import { existsSync } from 'node:fs';
import { readVariable } from '../../common/config';

const CRUN = '/usr/bin/crun';
type Runtime = 'crun' | 'runc';

/**
 * The OCI runtime of the test hosts' engines: crun (Debian's package, installed with the test hosts'
 * other packages) unless DOCKHAND_TEST_HOST_RUNTIME=runc. The test hosts stand in for separate machines
 * but share this one's cores; crun starts a container and runs an exec (every health check, every edge
 * reload) for about half the CPU of runc (docs/fleet-hosts.md), so the engines steal less from each
 * other. What Dockhand asks of an engine is the same on either runtime.
 */
export function testHostRuntime(): Runtime {
  const asked = readVariable('DOCKHAND_TEST_HOST_RUNTIME');
  if (asked === 'runc') return 'runc';
  if (existsSync(CRUN)) return 'crun';
  if (asked === 'crun')
    throw new Error(`DOCKHAND_TEST_HOST_RUNTIME=crun, but there is no ${CRUN} (apt-get install crun)`);
  return 'runc';
}

/**
 * The Go runtime settings of the test hosts' dockerd, which its re-executed helpers (and containerd and
 * the shims) inherit. On Engine 20.10 every container start re-executes dockerd three times
 * (libnetwork-setkey, set-ipv6, setup-resolver) and every archive read once (docker-tar); such a process
 * spent 64–68 ms of CPU here, much of it collecting garbage while its package initialisers run (perf,
 * 2026-12-04). GOGC=400 lets a heap grow to five times what is live before a collection (100: twice), so
 * a helper hardly collects: 38–40 ms (GOGC=off: 40–44 ms, but then the long-lived daemons would grow
 * without bound). A container start then costs 18–23 CPU ticks against 29–38 (the CLI's included), one
 * takes 0.22–0.26 s against 0.37–0.39 s and three at once 0.39–0.42 s against 0.54–0.64 s. The engines'
 * work is unchanged; less of each core goes to their bookkeeping.
 */
export const TEST_ENGINE_GO_ENV = { GOGC: '400' } as const;

/** dockerd's flags for the runtime (none for runc, Docker's default). */
export function runtimeFlags(runtime: Runtime): string[] {
  return runtime === 'crun' ? ['--add-runtime', `crun=${CRUN}`, '--default-runtime', 'crun'] : [];
}

/**
 * What dockerd is started through for the runtime. crun refuses cgroup v1 "hybrid" mode (a cgroup2
 * hierarchy with controllers mounted at /sys/fs/cgroup/unified, as on Debian 12 with cgroup v1): the
 * engine then runs in a mount namespace of its own without that mount, so crun sees plain cgroup v1,
 * as runc uses it. Its socket, data root and exec root are on the shared filesystems as before.
 */
export function runtimeLauncher(runtime: Runtime): string[] {
  if (runtime === 'runc') return [];
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    'if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi; exec "$@"',
    'sh',
  ];
}
