/**
 * How often a fleet change probes each host's agent while it waits (the approval, the bake, a held
 * host's wait for the commit). A wait of days cannot continue-as-new in the middle of a change, so the
 * probes are spread over the wait instead of coming at a fixed rate. A round of probes on N hosts
 * costs 3N + 8 history events when the workflow tasks batch (measured: 17 for 3 hosts), 6N + 5 at
 * worst (3 per probe, a workflow task per answer, the timer and its task); each wait keeps its rounds
 * within PROBE_EVENT_BUDGET events at worst, far under Temporal's limits (a warning at 10,240
 * events, the run ends at 51,200).
 *
 * - A wait of known length (an approval's timeout, a bake) gets PROBE_ROUNDS rounds at most, fewer on
 *   many hosts (the budget): a 24 h approval on 3 hosts probes every 8.3 min (173 rounds, at most
 *   3,980 events), on 10 hosts every 24 min (61 rounds).
 * - A wait of unknown length (a held host: until every other host rolled and the fleet committed; its
 *   own run, one host) pauses 1/UNKNOWN_WAIT_SHARE of the time waited so far: every 5 s for the first
 *   4 min, every 72 s after an hour, every 29 min after a day — about 345 rounds (3,800 events) in 24 h.
 * - Never more often than every PROBE_MIN_PAUSE_MS.
 *
 * A host is noticed lost within one pause plus the fleet's host-loss timeout.
 */
const PROBE_ROUNDS = 240;
export const PROBE_EVENT_BUDGET = 4_000;
const UNKNOWN_WAIT_SHARE = 50;
const PROBE_MIN_PAUSE_MS = 5_000;

/** How many probe rounds a wait of known length gets on `hosts` hosts. */
export function probeRounds(hosts: number): number {
  return Math.max(1, Math.min(PROBE_ROUNDS, Math.floor(PROBE_EVENT_BUDGET / (6 * hosts + 5))));
}

/** The pause before the next probe round on `hosts` hosts, in a wait that began `elapsedMs` ago and
 * lasts at most `waitMs` (undefined: unknown). */
export function probePauseMs(elapsedMs: number, hosts: number, waitMs?: number): number {
  const spread = waitMs !== undefined ? waitMs / probeRounds(hosts) : elapsedMs / UNKNOWN_WAIT_SHARE;
  return Math.max(PROBE_MIN_PAUSE_MS, Math.round(spread));
}
