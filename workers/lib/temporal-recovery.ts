/** How often the trigger looks whether Temporal answers again after an attempt failed. */
const RECOVERY_PROBE_MS = 1000;

/**
 * Jobs that failed while Temporal was unreachable wait out their backoff (up to 30 s) even after it is
 * back, so an incident in an outage would be remediated up to 30 s late. After a failed attempt this
 * probes Temporal every `probeMs`; when it answers again after having not answered, the waiting jobs are
 * retried at once (`promote`). A failure while Temporal answers (a bad job) promotes nothing: those
 * jobs keep their backoff.
 */
export class TemporalRecovery {
  private probing = false;
  private stopped = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly promote: () => Promise<unknown>,
    private readonly onRecovered: (promotedAfterMs: number) => void = () => undefined,
    private readonly probeMs = RECOVERY_PROBE_MS,
  ) {}

  /** Called on every failed attempt; at most one probe loop runs at a time. */
  attemptFailed(): void {
    if (this.probing || this.stopped) return;
    this.probing = true;
    void this.watch().finally(() => (this.probing = false));
  }

  stop(): void {
    this.stopped = true;
  }

  private async watch(): Promise<void> {
    let downSince: number | undefined;
    while (!this.stopped) {
      const up = await this.probe().then(
        () => true,
        () => false,
      );
      if (up) {
        if (downSince === undefined) return; // Temporal answers: the failure was not an outage.
        await this.promote().catch(() => undefined); // Redis away too: the backoff retries them anyway.
        this.onRecovered(Date.now() - downSince);
        return;
      }
      downSince ??= Date.now();
      await new Promise((r) => setTimeout(r, this.probeMs));
    }
  }
}
