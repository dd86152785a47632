/** Polls `check` until it returns something truthy (and returns that), or fails naming `what`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  timeoutMs: number,
  what = 'condition',
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Like waitFor, but a check that throws counts as "not yet" (e.g. a process still starting). */
export function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  return waitFor(() => check().catch(() => false), timeoutMs, 'condition');
}
