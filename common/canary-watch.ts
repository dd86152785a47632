import type { CanaryVerdict } from './canary';

/**
 * Watching a canary's window instead of reading it once at the end: the edge log is read every
 * CANARY_WATCH_POLL_MS while the window runs, so a failing canary is judged as soon as its window
 * holds the minimum requests (judgeWindow says "inconclusive" below that), not at the next tick of the
 * interval. A passing window still runs its whole interval: the check rhythm (and the number of checks
 * in the history) stays what the service file says. Pure: tested by exact equality.
 */

/** How often a watched window re-reads the edge log: at 10 % of 50 req/s the canary's fifth request
 * comes 0.8 s after its first, so a 250 ms poll adds at most a quarter second to an abort (one `docker
 * exec` of `tail` per poll, on the edge's host only, only while a window runs). */
export const CANARY_WATCH_POLL_MS = 250;

export type WatchEnd = 'failed' | 'time' | 'full';

/** Whether a watched window ends now, and why: it fails already (the verdict needs the minimum
 * requests), its time is up, or the read bound is reached (the rest waits for the next window). */
export function watchEnds(o: {
  verdict: CanaryVerdict;
  elapsedMs: number;
  forMs: number;
  full: boolean;
}): WatchEnd | undefined {
  if (o.verdict === 'fail') return 'failed';
  if (o.full) return 'full';
  if (o.elapsedMs >= o.forMs) return 'time';
  return undefined;
}
