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
 * The Go runtime settings of the test hosts' dockerd, which its re-executed helpers inherit. On Engine 20.10
 * every container start re-executes dockerd three times (libnetwork-setkey, set-ipv6, setup-resolver) and
 * every archive read once (docker-tar); each such process spends about a third of its ~58 ms of CPU
 * collecting garbage while its package initialisers run (perf, 2026-12-04). With the collector off until
 * the heap nears 256 MiB, a helper never collects and the daemon collects only near that limit (its heap
 * here is tens of MiB): a start costs about a quarter less CPU (25 ticks against 34, the CLI's included),
 * and three starts at once take 0.42–0.46 s against 0.54–0.64 s. The engines' work is unchanged; less of each core goes to their bookkeeping.
 */
export const TEST_ENGINE_GO_ENV = { GOGC: 'off', GOMEMLIMIT: '256MiB' } as const;

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
