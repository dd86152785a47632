import { freshGet } from '../../client/fresh-get';

/** One failed request through an edge: when it was sent and why it failed. */
interface LoadFailure {
  at: number;
  target: string;
  why: string;
}

/**
 * Steady load through the edges of a round: one GET of /version every `everyMs` per target, each on a
 * fresh connection, answers checked against what the target may serve right now (`accept`). A slow
 * answer is not a failure; a status other than 200, a connection error or an unexpected body is.
 */
export function startEdgeLoad(
  targets: Array<{ name: string; url: () => string | undefined; accept: (body: string) => boolean }>,
  everyMs = 100,
) {
  let requests = 0;
  const failures: LoadFailure[] = [];
  const inFlight = new Set<Promise<void>>();
  const fire = (t: (typeof targets)[number]) => {
    const url = t.url();
    if (!url) return;
    const at = Date.now();
    requests++;
    const fail = (why: string) => void failures.push({ at, target: t.name, why });
    const p = freshGet(url, 15_000).then(
      ({ status, body }) => {
        if (status !== 200) fail(`HTTP ${status}: ${body.slice(0, 80).trim()}`);
        else if (!t.accept(body.trim())) fail(`unexpected body "${body.slice(0, 80).trim()}"`);
      },
      (e: Error) => fail(e.message),
    );
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };
  const timer = setInterval(() => targets.forEach(fire), everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return { requests, failures };
    },
  };
}
