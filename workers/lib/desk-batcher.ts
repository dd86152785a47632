import type { DeskBatch } from '../../common/remediation/restart-desk';

type Item = DeskBatch['events'][number];
interface Waiting {
  item: Item;
  resolve: () => void;
  reject: (err: unknown) => void;
}
interface Lane {
  host: string;
  rule: string;
  policy: Record<string, unknown>;
  waiting: Waiting[];
  inFlight: boolean;
}

/** Sends one batch of one rule's events for one host (signal-with-start of the host's restart desk). */
export type SendBatch = (host: string, rule: string, batch: DeskBatch) => Promise<unknown>;

/** Events per signal at most (each is ~200 bytes of history: far below Temporal's 2 MiB payload limit). */
export const MAX_DESK_BATCH = 500;

/**
 * Adaptive batching of a host's events on the trigger side: an event whose host has no signal in flight
 * goes out at once, alone (no waiting on the latency path); events that arrive while one is in flight wait
 * for it and then go out together, as one signal. Each event's promise settles with the signal that carried
 * it, so a BullMQ job completes only once Temporal accepted its event, and fails (to be retried) with it.
 */
export class DeskBatcher {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly send: SendBatch,
    private readonly maxBatch = MAX_DESK_BATCH,
  ) {}

  deliver(host: string, rule: string, policy: Record<string, unknown>, item: Item): Promise<void> {
    const key = JSON.stringify([rule, host]);
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { host, rule, policy, waiting: [], inFlight: false }));
    const l = lane;
    return new Promise<void>((resolve, reject) => {
      l.waiting.push({ item, resolve, reject });
      if (!l.inFlight) this.flush(key, l);
    });
  }

  /** Signals in flight or waiting (for tests and the trigger's shutdown). */
  get busy(): number {
    return this.lanes.size;
  }

  private flush(key: string, lane: Lane): void {
    const taken = lane.waiting.splice(0, this.maxBatch);
    if (taken.length === 0) {
      this.lanes.delete(key);
      return;
    }
    lane.inFlight = true;
    const batch: DeskBatch = { policy: lane.policy, events: taken.map((w) => w.item) };
    void this.send(lane.host, lane.rule, batch)
      .then(
        () => taken.forEach((w) => w.resolve()),
        (err: unknown) => taken.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        lane.inFlight = false;
        this.flush(key, lane);
      });
  }
}
