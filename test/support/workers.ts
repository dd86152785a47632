import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { spawnTs } from '../../cli/lib/processes';

/** Unique ids per test file so suites can run side by side on one Temporal and one engine. */
export function testIds(prefix: string) {
  const suffix = randomBytes(3).toString('hex');
  return { hostId: `${prefix}-${suffix}`, orchestratorQueue: `dockhand-orchestrator-${prefix}-${suffix}`, suffix };
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves when the worker logs that it polls. */
  ready: Promise<void>;
  /** Graceful stop (SIGTERM), resolves on exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no clean-up. */
  crash(): Promise<void>;
}

/** Starts a real worker process (workers/orchestrator.ts, host-agent.ts or trigger.ts). Host agents
 * publish engine events only when a test asks (DOCKHAND_EVENTS_PUBLISH=1), so suites do not fill
 * the shared events queue. */
export function startWorker(
  kind: 'orchestrator' | 'host-agent' | 'trigger',
  ids: { hostId: string; orchestratorQueue: string },
  env: NodeJS.ProcessEnv = {},
): WorkerProcess & { output(): string } {
  // Each test file's workers share a host registry of their own (named after its orchestrator queue).
  const child = spawnTs(
    `workers/${kind}.ts`,
    {
      DOCKHAND_HOST_ID: ids.hostId,
      DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue,
      DOCKHAND_HOST_REGISTRY: ids.orchestratorQueue,
      LOG_LEVEL: 'info',
      DOCKHAND_EVENTS_PUBLISH: '0',
      ...env,
    },
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('polling"')) resolve();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${kind} exited (${code}) before polling:\n${output.slice(-3000)}`)));
  });
  const exited = () =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  return {
    child,
    ready,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited();
    },
    crash: async () => {
      child.kill('SIGKILL');
      await exited();
    },
  };
}

/** SIGTERM, and how it went: `stopped`, or — a stop that hangs — still running after `ms`. */
export async function stopWithin(worker: WorkerProcess, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>(
    (r) => (timer = setTimeout(() => r(`still running ${ms / 1000} s after SIGTERM`), ms)),
  );
  return Promise.race([worker.stop().then(() => 'stopped'), late]).finally(() => clearTimeout(timer));
}

/** An orchestrator and a host agent for one test file. */
export async function startWorkers(
  ids: { hostId: string; orchestratorQueue: string },
  /** Extra environment of each worker (a metrics port, say). */
  env: WorkerEnvironments = {},
) {
  const orchestrator = startWorker('orchestrator', ids, env.orchestrator);
  const agent = startWorker('host-agent', ids, env.agent);
  await Promise.all([orchestrator.ready, agent.ready]);
  const workers = {
    orchestrator,
    agent,
    /** Stops the workers in place now: a crash test may have replaced one. */
    stop: () => Promise.all([workers.orchestrator.stop(), workers.agent.stop()]),
  };
  return workers;
}

export interface WorkerEnvironments {
  orchestrator?: Record<string, string>;
  agent?: Record<string, string>;
}
