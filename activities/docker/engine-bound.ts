/** How long an Engine call that normally takes seconds (create, start) may go unanswered. */
export const QUICK_ENGINE_CALL_MS = 60_000;

/**
 * Gives an Engine call a bound. A dockerd that accepts a request and never answers (seen once across a
 * daemon restart under chaos: a replica stayed "created" for 5 minutes) would otherwise hold the
 * activity — which heartbeats all the while — until its 30-minute start-to-close. Past the bound the
 * attempt fails, retryably, and the retry looks again: create finds its container by spec hash, and
 * start of a started container is a no-op.
 */
export async function withinBound<T>(what: string, ms: number, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${what}: the Docker Engine did not answer within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)}s`}`,
          ),
        ),
      ms,
    );
  });
  // The unanswered call may still reject later; nobody waits for it then.
  call.catch(() => undefined);
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}
