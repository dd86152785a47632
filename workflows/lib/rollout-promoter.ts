import { ErrorType } from '../../common/errors';
import { activityFailureOf } from './failures';

/**
 * Start-first's background work. As Swarm does, the next batch starts as soon as this one is
 * healthy: the edge switch and the old replicas' hand-over go on behind it, one step after another
 * (the edge only ever resolves names that exist; an old replica stops only after the edge let it
 * go). And the next batch's successors are launched ahead, gated at the agent on this batch's health.
 */
export class StartFirstPromoter {
  private chain: Promise<void> = Promise.resolve();
  private failure?: { error: unknown };
  /** Launches scheduled before their batch (slot → the new container's id). */
  private readonly launchesAhead = new Map<number, Promise<string>>();

  /** Queues `step` behind the background work so far; after a failure nothing more runs, and the
   * failure surfaces at the next batch or settle (`throwIfFailed`). */
  inBackground(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(() => (this.failure ? undefined : step()))
      .catch((error) => void (this.failure ??= { error }));
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for the background work; throws its failure. */
  async settle(): Promise<void> {
    await this.chain;
    this.throwIfFailed();
  }

  /** Waits for everything in flight, failed or not, so a rollback never races a step still running. */
  async drain(): Promise<void> {
    await this.chain;
    await Promise.allSettled(this.launchesAhead.values());
  }

  /** Starts `launch` for a slot of the next batch now (its own batch collects it). */
  launchAhead(slot: number, launch: Promise<string>): void {
    this.launchesAhead.set(slot, launch);
    launch.catch(() => undefined); // its batch (or a rollback) looks at the outcome
  }

  /** The id of the slot's launch ahead once it is healthy; undefined when there was none or it was not
   * started because the batch before failed (the batch then launches it itself). Its own failure (the
   * new replica crashed, say) is thrown: the slot's failure. */
  async launchedAhead(slot: number): Promise<string | undefined> {
    const launch = this.launchesAhead.get(slot);
    if (!launch) return undefined;
    this.launchesAhead.delete(slot);
    try {
      return await launch;
    } catch (err) {
      if (activityFailureOf(err, ErrorType.PredecessorFailed)) return undefined;
      throw err;
    }
  }
}
