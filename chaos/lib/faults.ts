import type { World } from '../world';
import type { Random } from './random';

/** Faults the suite injects at a random moment of a round. */
export const FAULTS = [
  'none',
  'kill-orchestrator',
  'kill-host-agent',
  'kill-trigger',
  'restart-temporal',
  'kill-redis',
  'restart-dockerd',
  'cancel',
  'stop-new-container',
  'bad-image',
] as const;
export type Fault = (typeof FAULTS)[number];

/** A span in which the engine itself was down (requests through the edge may fail in it). */
export interface DownWindow {
  from: number;
  to: number;
}

/** Grace after dockerd answers again: its port proxies and the edge's own health take a moment. */
const ENGINE_GRACE_MS = 5_000;

/**
 * Process-level faults: SIGKILL of a worker (started again after a pause), a restart of the Temporal
 * dev server on its database file, a SIGKILL of Redis (its append-only file kept) and a restart of
 * dockerd. Each returns when the world is whole again; a dockerd restart records its down window.
 */
export async function injectProcessFault(
  world: World,
  fault: Fault,
  random: Random,
  windows: DownWindow[],
): Promise<boolean> {
  const pause = () => new Promise((r) => setTimeout(r, random.int(200, 3000)));
  switch (fault) {
    case 'kill-orchestrator':
    case 'kill-host-agent':
    case 'kill-trigger': {
      const kind = fault.slice('kill-'.length) as 'orchestrator' | 'host-agent' | 'trigger';
      await world.killWorker(kind);
      await pause();
      await world.startWorker(kind);
      return true;
    }
    case 'restart-temporal':
      await world.temporal.stop('SIGTERM');
      await pause();
      await world.temporal.start();
      return true;
    case 'kill-redis':
      await world.redis.stop('SIGKILL');
      await pause();
      await world.redis.start();
      return true;
    case 'restart-dockerd': {
      const from = Date.now();
      const window = { from, to: Number.MAX_SAFE_INTEGER };
      windows.push(window);
      await world.engine.stopDaemon('SIGTERM');
      await pause();
      await world.engine.startDaemon();
      window.to = Date.now() + ENGINE_GRACE_MS;
      return true;
    }
    default:
      return false;
  }
}
