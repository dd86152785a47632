/**
 * One connection, made once and shared by the activities that need a client (the answer desk's identity
 * look-up, clean-up's describe). `warm()` starts it at worker start: a `rollback` answer reads its
 * sender's identity through it, so a connection made on that first answer put ~0.4 s (idle) to ~2 s
 * (a saturated 2-core machine) on the first in-window rollback of a run. A failed attempt is forgotten,
 * so the next call connects again instead of every later call failing with the first error.
 */
export function sharedClient<C>(connect: () => Promise<C>) {
  let pending: Promise<C> | undefined;
  const get = (): Promise<C> =>
    (pending ??= connect().catch((err: unknown) => {
      pending = undefined;
      throw err;
    }));
  return {
    get,
    /** Connects now; a failure is only reported (the next `get` tries again). */
    warm: (onError: (err: unknown) => void) => void get().catch(onError),
    /** The client if a connection was made (for closing it on shutdown). */
    current: async (): Promise<C | undefined> => pending?.catch(() => undefined),
  };
}
