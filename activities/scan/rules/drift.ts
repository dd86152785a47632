import type { ScanData } from '../scan-data';
import { need, notApplicable, rule, type Rule } from './rule';

// Runtime drift without kernel instrumentation: `docker top` against the baseline recorded at the first
// scan, listening sockets from /proc/<pid>/net/tcp{,6} against the image's EXPOSE, and `docker diff`.

const SHELLS = new Set(['sh', 'ash', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish']);
const NETWORK_TOOLS = new Set(['nc', 'ncat', 'netcat', 'nmap', 'tcpdump', 'socat', 'masscan', 'zmap', 'tshark']);
const SYSTEM_DIRS = ['etc', 'bin', 'sbin', 'usr/bin', 'usr/sbin'];

/** Docker's embedded DNS resolver listens on 127.0.0.11 inside every container on a user-defined network. */
const DOCKER_DNS = '127.0.0.11';

/** Mount points, --tmpfs targets and --init's /sbin/docker-init (and the directories above them) show
 * up in `docker diff` when Docker creates them; they are Docker's doing, not drift. */
function mountPaths(d: ScanData): Set<string> {
  const out = new Set<string>();
  const addWithParents = (path: string) => {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) out.add(`/${parts.slice(0, i).join('/')}`);
  };
  for (const m of (d.container.Mounts ?? []) as Array<{ Destination: string }>) addWithParents(m.Destination);
  const host = (d.container.HostConfig ?? {}) as { Init?: boolean | null; Tmpfs?: Record<string, string> | null };
  for (const dest of Object.keys(host.Tmpfs ?? {})) addWithParents(dest); // --tmpfs is not listed in Mounts
  if (host.Init) addWithParents('/sbin/docker-init'); // --init: Docker puts its init there
  return out;
}

const inSystemDir = (path: string) => SYSTEM_DIRS.some((d) => path === `/${d}/` || path.startsWith(`/${d}/`));

export const driftRules: Rule[] = [
  rule(
    {
      id: 'DH-RT-NEW-PROCESS',
      title: 'Process not in the baseline',
      severity: 'medium',
      needs: ['processes', 'baseline'],
      description: 'A process name that was not running at the first scan may be an intruder’s tool.',
      remediation:
        'Find out what started it; if expected, re-record the baseline (delete the container’s entry in baseline.json).',
    },
    (d) => {
      const procs = need(d.processes);
      const baseline = need(d.baseline);
      if (baseline.imageId !== d.container.Image)
        return notApplicable('the image changed since the baseline was recorded; recorded again now');
      const known = new Set(baseline.processes);
      return procs
        .filter((p) => !known.has(p.comm))
        .map((p) => `process ${p.pid} ${p.comm} (user ${p.user}): ${p.args}`);
    },
  ),
  rule(
    {
      id: 'DH-RT-SHELL-TTY',
      title: 'Interactive shell with a TTY',
      severity: 'medium',
      needs: ['processes'],
      description: 'A shell on a terminal in a production container means someone is working inside it by hand.',
      remediation: 'Find who opened it (docker events, exec sessions); make changes through the image instead.',
    },
    (d) =>
      need(d.processes)
        .filter((p) => SHELLS.has(p.comm) && p.tty !== '?' && p.tty !== '-' && p.tty !== '')
        .map((p) => `process ${p.pid} ${p.comm} on ${p.tty}: ${p.args}`),
  ),
  rule(
    {
      id: 'DH-RT-NETWORK-TOOL',
      title: 'Network tool running',
      severity: 'high',
      needs: ['processes'],
      description: 'netcat, nmap, tcpdump and the like are staples of reverse shells, scanning and sniffing.',
      remediation: 'Stop the process and find what started it; remove the tool from the image.',
    },
    (d) =>
      need(d.processes)
        .filter((p) => NETWORK_TOOLS.has(p.comm))
        .map((p) => `process ${p.pid} ${p.comm}: ${p.args}`),
  ),
  rule(
    {
      id: 'DH-RT-LISTEN',
      title: 'Listening port not exposed by the image',
      severity: 'medium',
      needs: ['listeners', 'image'],
      description: 'A socket listening on a port the image does not EXPOSE is outside what was reviewed.',
      remediation: 'Stop the listener, or declare the port with EXPOSE if it is meant to be there.',
    },
    (d) => {
      const exposed = new Set(
        Object.keys(need(d.image).inspect.Config.ExposedPorts ?? {})
          .filter((k) => k.endsWith('/tcp'))
          .map((k) => Number(k.split('/')[0])),
      );
      const seen = new Set<string>();
      return need(d.listeners)
        .filter((l) => !exposed.has(l.port) && l.address !== DOCKER_DNS)
        .map((l) => `${l.proto} ${l.address}:${l.port} listening`)
        .filter((e) => !seen.has(e) && seen.add(e));
    },
  ),
  rule(
    {
      id: 'DH-RT-SYSTEM-CHANGE',
      title: 'System files changed in the container',
      severity: 'medium',
      needs: ['changes'],
      description: 'Changes under /etc or the binary directories after start are configuration or binary tampering.',
      remediation: 'Rebuild the image with the change instead, and run with --read-only.',
    },
    (d) => {
      const mounts = mountPaths(d);
      return need(d.changes)
        .filter((c) => inSystemDir(c.path) && !mounts.has(c.path))
        .map((c) => `${c.kind} ${c.path}`);
    },
  ),
  rule(
    {
      id: 'DH-RT-NEW-EXECUTABLE',
      title: 'Executable added or changed after start',
      severity: 'high',
      needs: ['changes', 'filesystem'],
      description: 'An executable written after the container started was not part of the reviewed image.',
      remediation: 'Find what wrote it; rebuild from the image and run with --read-only.',
    },
    (d) => {
      const mounts = mountPaths(d);
      const changes = new Map(
        need(d.changes)
          .filter((c) => !mounts.has(c.path))
          .map((c) => [c.path, c.kind]),
      );
      return need(d.filesystem)
        .changedModes.filter((f) => f.type === 'file' && (f.mode & 0o111) !== 0 && changes.has(`/${f.path}`))
        .map((f) => `${changes.get(`/${f.path}`)} /${f.path} (mode ${f.mode.toString(8)})`);
    },
  ),
];
