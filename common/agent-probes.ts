/**
 * How often a fleet change probes each host's agent while it waits (the approval, the bake, a held
 * host's wait for the commit). A wait of days cannot continue-as-new in the middle of a change, so the
 * probes are spread over the wait instead of coming at a fixed rate: every probe round costs history
 * events (per host: scheduled, started, completed; a timer; the workflow tasks between).
 *
 * - A wait of known length (an approval's timeout, a bake) gets at most PROBE_ROUNDS rounds: the pause
 *   is its length / PROBE_ROUNDS — a 24 h approval probes every 6 min, 240 rounds in all.
 * - A wait of unknown length (a held host: until every other host rolled and the fleet committed)
 *   pauses 1/UNKNOWN_WAIT_SHARE of the time waited so far: every 5 s for the first 5 min, every 1 min
 *   after an hour, every 24 min after a day — about 400 rounds over 24 h, growing with the log of it.
 * - Never more often than every PROBE_MIN_PAUSE_MS.
 *
 * A host is noticed lost within one pause plus the fleet's host-loss timeout.
 */
export const PROBE_ROUNDS = 240;
export const UNKNOWN_WAIT_SHARE = 60;
export const PROBE_MIN_PAUSE_MS = 5_000;

/** The pause before the next probe round of a wait that began `elapsedMs` ago and lasts at most
 * `waitMs` (undefined: unknown). */
export function probePauseMs(elapsedMs: number, waitMs?: number): number {
  const spread = waitMs !== undefined ? waitMs / PROBE_ROUNDS : elapsedMs / UNKNOWN_WAIT_SHARE;
  return Math.max(PROBE_MIN_PAUSE_MS, Math.round(spread));
}
