import type Docker from 'dockerode';
import { Context } from '@temporalio/activity';

/** What the engine says about a container that can end a health wait or watch. */
const WAKING_ACTIONS = ['health_status', 'die', 'destroy'];

/**
 * Wakes a loop that waits on one container the moment the engine reports on it (a health status, an
 * exit), so a rollout moves on at the engine's health event, as Swarm does, instead of at its next
 * poll, and asks the engine nothing in between. The loop still re-checks every `fallbackMs`, the
 * safety net for an event stream that breaks or never opens.
 */
class ContainerWake {
  private woken = false;
  private wakeWaiter?: () => void;

  private constructor(private readonly stream?: NodeJS.ReadableStream & { destroy(): void }) {
    stream?.on('data', () => this.wake());
    stream?.on('error', () => undefined); // a broken stream leaves the fallback polling in charge
  }

  /** Follows `container` (a name or id). Opened before the caller's first look at the container, so no
   * event between that look and the first wait is missed. */
  static async open(docker: Docker, container: string): Promise<ContainerWake> {
    const filters = { type: ['container'], container: [container], event: WAKING_ACTIONS };
    const opening = docker.getEvents({ filters } as never) as unknown as Promise<
      NodeJS.ReadableStream & { destroy(): void }
    >;
    return new ContainerWake(await opening.catch(() => undefined));
  }

  /** Resolves at the container's next event (or at once if one came since the last call), or after
   * `ms`; rejects with CancelledFailure when the activity is cancelled. */
  async next(ms: number): Promise<void> {
    if (!this.woken) {
      const woken = new Promise<void>((resolve) => (this.wakeWaiter = resolve));
      await Promise.race([woken, Context.current().sleep(ms)]);
    }
    this.woken = false;
    this.wakeWaiter = undefined;
  }

  close(): void {
    this.stream?.destroy();
  }

  private wake(): void {
    this.woken = true;
    this.wakeWaiter?.();
  }
}

/** Runs `use` with a wake-up for `container`, closing the event stream afterwards. */
export async function withContainerWake<T>(
  docker: Docker,
  container: string,
  use: (wake: ContainerWake) => Promise<T>,
): Promise<T> {
  const wake = await ContainerWake.open(docker, container);
  try {
    return await use(wake);
  } finally {
    wake.close();
  }
}
