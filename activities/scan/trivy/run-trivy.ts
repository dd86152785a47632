import { spawn } from 'node:child_process';

/** Output kept from one trivy run: a JSON report of 500 vulnerabilities with every package listed is
 * well under this; more is cut and the run counts as failed (never parsed half). */
const MAX_TRIVY_OUTPUT = 64 * 1024 * 1024;

export interface TrivyRun {
  code: number | null;
  stdout: string;
  /** The last lines of stderr, for the reason of a failure. */
  stderr: string;
  timedOut: boolean;
  overflow: boolean;
}

/** Runs trivy with a time limit (SIGKILL after `timeoutMs`) and bounded output. */
export function runTrivy(
  bin: string,
  args: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TrivyRun> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    let overflow = false;
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_TRIVY_OUTPUT) {
        overflow = true;
        child.kill('SIGKILL');
      } else out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-8_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: err, timedOut, overflow });
    };
    child.on('error', (e) => {
      err += e.message;
      done(-1);
    });
    child.on('close', done);
  });
}

/** Why a run failed, in one line: Trivy's last fatal/error line, else the tail of stderr. */
export function failureReason(r: TrivyRun, timeoutMs: number): string {
  if (r.timedOut) return `trivy did not finish within ${Math.round(timeoutMs / 1000)} s`;
  if (r.overflow) return `trivy printed more than ${MAX_TRIVY_OUTPUT / 2 ** 20} MiB`;
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = [...lines].reverse().find((l) => /\b(FATAL|ERROR)\b/.test(l)) ?? lines[lines.length - 1] ?? '';
  const text = fatal.replace(/^\S+\s+(FATAL|ERROR)\s+/, '').replace(/\s+/g, ' ');
  return `trivy exited ${r.code}${text ? `: ${text.slice(0, 400)}` : ''}`;
}
