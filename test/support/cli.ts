import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../cli/lib/processes';

/** Runs the real `dockhand` CLI with extra environment (a test file's queues); resolves with its exit
 * code (-1 when a signal ended it) and output. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/dockhand.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts the real `dockhand` CLI and lets a test act while it runs (send SIGINT, wait for a line). */
export function startCli(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/dockhand.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
  return {
    child,
    done,
    /** Resolves once stderr (progress) contains `text`; rejects if the CLI ends first or after `ms`. */
    async stderrContains(text: string, ms = 90_000): Promise<void> {
      const until = Date.now() + ms;
      while (!stderr.includes(text)) {
        if (child.exitCode !== null) throw new Error(`dockhand ended (${child.exitCode}) before "${text}":\n${stderr}`);
        if (Date.now() > until) throw new Error(`no "${text}" within ${ms} ms:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}
