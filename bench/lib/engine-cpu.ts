import { readdirSync, readFileSync } from 'node:fs';
import { engineNamespacePaths } from '../../cli/lib/engine-namespace';

/**
 * CPU time (clock ticks, 1/100 s on Linux) spent by a group of processes, measured from /proc so that
 * other load on the machine does not change it (wall time would). Each process counts its own time
 * (utime + stime) and that of the children it reaped (cutime + cstime): a short-lived runc, iptables
 * or health-check process shows up in the shim's or dockerd's figures once it is reaped. Only
 * long-lived processes are selected, so no process is counted both itself and through its parent.
 * The group is sampled every `intervalMs` because a member may start (a new container's shim) or end
 * (a removed container's shim) within the window: a new one counts from 0, an ended one up to its last
 * sample.
 */
export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime. */
  ticks: number;
  /** Start time since boot (field 22): a pid reused by another process is another key. */
  startedAt: number;
}

/** /proc/<pid>/stat, fields after the (comm) that may hold spaces. Pure. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ')
    .map(Number);
  // f[0] is field 3 (state, NaN here): field n is f[n - 3].
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    ppid: f[1]!,
    ticks: f[11]! + f[12]! + f[13]! + f[14]!,
    startedAt: f[19]!,
  };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone meanwhile
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((e) => readStat(Number(e)))
    .filter((s): s is ProcStat => s !== undefined);
}

/** Picks a group's members from every process on the machine. */
export type Selector = (all: ProcStat[]) => ProcStat[];

/** A test host engine (cli/lib/engine-namespace.ts): its dockerd, the containerd and docker-proxy
 * processes dockerd started, and the shims of its containers (their command line names its exec root). */
export function engineProcesses(name: string): Selector {
  const p = engineNamespacePaths(name);
  const shims = new Map<string, boolean>(); // command lines do not change: read each once
  return (all) => {
    const dockerd = Number(readFileSync(p.pidFile, 'utf8').trim());
    return all.filter((s) => {
      if (s.pid === dockerd) return true;
      if (s.ppid === dockerd) return s.comm === 'containerd' || s.comm === 'docker-proxy';
      if (!s.comm.startsWith('containerd-shim')) return false;
      const key = `${s.pid}:${s.startedAt}`;
      if (!shims.has(key)) shims.set(key, commandLine(s.pid).includes(`${p.execRoot}/`));
      return shims.get(key)!;
    });
  };
}

/** A process and every process below it (a worker started by spawnTs, and whatever it runs). */
export function processTree(root: number): Selector {
  return (all) => {
    const inTree = new Set([root]);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of all)
        if (!inTree.has(s.pid) && inTree.has(s.ppid)) {
          inTree.add(s.pid);
          grew = true;
        }
    }
    return all.filter((s) => inTree.has(s.pid));
  };
}

/** Samples groups of processes until stopped; `stop()` returns each group's ticks in the window. */
export function startCpuMeter<G extends string>(groups: Record<G, Selector>, intervalMs = 100) {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const sample = (initial: boolean) => {
    const all = allProcesses();
    for (const [group, select] of Object.entries(groups) as Array<[G, Selector]>)
      for (const s of select(all)) {
        const key = `${group}/${s.pid}:${s.startedAt}`;
        if (!first.has(key)) first.set(key, initial ? s.ticks : 0);
        last.set(key, s.ticks);
      }
  };
  sample(true);
  const timer = setInterval(() => sample(false), intervalMs);
  return {
    stop(): Record<G, number> {
      clearInterval(timer);
      sample(false);
      const ticks = Object.fromEntries(Object.keys(groups).map((g) => [g, 0])) as Record<G, number>;
      for (const [key, value] of last) {
        const group = key.slice(0, key.indexOf('/')) as G;
        ticks[group] += value - first.get(key)!;
      }
      return ticks;
    },
  };
}
