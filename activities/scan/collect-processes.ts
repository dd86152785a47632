import type Docker from 'dockerode';
import type { ProcessEntry } from './scan-data';

/** ps columns asked of `docker top` (the Engine runs ps on the host; the container needs no shell).
 * Docker requires the PID column; `args` comes last because it may contain spaces. */
export const TOP_PS_ARGS = '-o pid,user,tty,comm,args';

/** Parses `docker top` output produced with TOP_PS_ARGS. */
export function parseTop(top: { Titles: string[]; Processes: string[][] }): ProcessEntry[] {
  return (top.Processes ?? []).map((row) => ({
    pid: Number(row[0]),
    user: row[1] ?? '',
    tty: row[2] ?? '',
    comm: row[3] ?? '',
    args: row.slice(4).join(' '),
  }));
}

/** While runc sets up an exec (every health check is one), its init shows up as `runc:[2:INIT]` for a
 * moment; it is the runtime's, never the workload's, so drift checks must not see it. */
const RUNTIME_INIT = /^runc:\[/;

export async function topProcesses(container: Docker.Container): Promise<ProcessEntry[]> {
  return parseTop(
    (await container.top({ ps_args: TOP_PS_ARGS })) as { Titles: string[]; Processes: string[][] },
  ).filter((p) => !RUNTIME_INIT.test(p.comm));
}
