/**
 * How long an edge config change may take, end to end. One change is one exec of APPLY_SITE_SCRIPT
 * inside the edge (activities/traffic/edge-scripts.ts): waiting for an overlapping change's lock, then
 * `nginx -t` and a reload, then up to 10 s until a new worker serves and the old ones stop accepting
 * (a look at a stuck nginx ends after 2 s), then up to 5 s of drain.
 */
/** The longest a change waits for another change of the same site to finish (longer: exit 14, retried). */
export const EDGE_LOCK_WAIT_S = 20;
/** The longest the script waits for the config text on its stdin (longer: exit 10, retried). */
export const EDGE_STDIN_WAIT_S = 10;
/** The script's worst case: the stdin wait, the lock wait, the 10 s + 2 s serve/quit wait, 5 s of drain, ~3 s of nginx -t,
 * reload and process starts on a loaded host. */
export const EDGE_APPLY_WORST_MS = (EDGE_STDIN_WAIT_S + EDGE_LOCK_WAIT_S + 12 + 5 + 3) * 1000;
/** The exec is cut (a retryable WaitTimeout) after this: the script's worst case and the exec's own start. */
export const EDGE_EXEC_TIMEOUT_MS = EDGE_APPLY_WORST_MS + 5_000;
/** The edge activities' start-to-close: the exec and the Engine round trips around it. A timed-out
 * attempt never starts a second script beside the first one: the lock makes the retry wait for it. */
export const EDGE_ACTIVITY_START_TO_CLOSE_MS = EDGE_EXEC_TIMEOUT_MS + 15_000;
