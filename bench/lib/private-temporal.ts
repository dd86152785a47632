import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ALL_SEARCH_ATTRIBUTES } from '../../common/search-attributes';

/** The Temporal CLI scripts/stack.sh uses: TEMPORAL_CLI_PATH, or the one it built into the cache. */
function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  const cache =
    env.DOCKHAND_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'dockhand');
  const bin = path.join(cache, `temporal-${env.TEMPORAL_CLI_TAG ?? 'v1.4.1'}`, 'temporal');
  if (!existsSync(bin)) throw new Error(`no Temporal CLI at ${bin}: run "npm run stack -- up" once (it builds it)`);
  return bin;
}

/**
 * A Temporal dev server of the bench's own, on a free port with its own database file: it can be stopped
 * and started again (an outage, state kept) without touching the shared server others work on. The
 * flags are scripts/stack.sh's, headless.
 */
export class PrivateTemporal {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-bench-temporal-'));
  readonly address: string;

  private constructor(readonly port: number) {
    this.address = `127.0.0.1:${port}`;
  }

  static async start(): Promise<PrivateTemporal> {
    const t = new PrivateTemporal(await freePort());
    await t.up();
    return t;
  }

  /** Starts the server on the same port and database file; resolves when the port answers. */
  async up(): Promise<void> {
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(this.port), '--headless'];
    args.push('--db-filename', path.join(this.dir, 'temporal.db'), '--log-level', 'warn');
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
    for (const a of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${a.name}=Keyword`);
    args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
    args.push('--dynamic-config-value', 'frontend.workerVersioningWorkflowAPIs=true');
    this.child = spawn(temporalCliPath(), args, { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (!(await answers(this.port))) {
      if (this.child.exitCode !== null)
        throw new Error(`the bench's Temporal dev server exited (${this.child.exitCode})`);
      if (Date.now() > deadline) throw new Error(`the bench's Temporal dev server did not answer on ${this.address}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s); its database file stays. */
  async down(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const killer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }

  /** Stops the server and deletes its database. */
  async dispose(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
