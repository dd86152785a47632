import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Runs a TypeScript entry point in one plain node process (no tsx wrapper process), so a signal
 * sent to the child reaches the worker itself — the crash tests rely on SIGKILL landing there. */
export function spawnTs(entry: string, env: NodeJS.ProcessEnv = {}, options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    ...options,
  });
}

/** Runs scripts/stack.sh with the given verb (and options), streaming its output; rejects on a non-zero exit. */
export function runStack(verb: 'up' | 'down' | 'status', options: string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(ROOT, 'scripts/stack.sh'), verb, ...options], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`scripts/stack.sh ${verb} exited with ${code}`)),
    );
  });
}
