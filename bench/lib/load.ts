import { freshGet } from '../../client/fresh-get';

export interface LoadReport {
  total: number;
  /** One line per failed request (status or error), at most 50 kept. */
  failed: string[];
  failedCount: number;
  /** How many answers each distinct body got (e.g. {"v1": 812, "v2": 1300}). */
  bodies: Record<string, number>;
}

/** Sends GETs to `url` from `concurrency` clients until `stop()` says so and at least `minRequests`
 * were sent. Any status other than 200, or a connection error, is a failure. One connection per
 * request (`freshGet` says why). */
export async function loadUntil(
  url: string,
  stop: () => boolean,
  { concurrency = 4, minRequests = 0, ratePerSec = 100 } = {},
): Promise<LoadReport> {
  // Paced, so the load generator does not starve the workers it measures on a small machine.
  const interval = (concurrency * 1000) / ratePerSec;
  const report: LoadReport = { total: 0, failed: [], failedCount: 0, bodies: {} };
  const fail = (why: string) => {
    report.failedCount++;
    if (report.failed.length < 50) report.failed.push(why);
  };
  const client = async () => {
    while (!stop() || report.total < minRequests) {
      const started = Date.now();
      report.total++;
      try {
        const { status, body } = await freshGet(url, 5000);
        if (status !== 200) fail(`HTTP ${status}: ${body.slice(0, 100)}`);
        else report.bodies[body.trim()] = (report.bodies[body.trim()] ?? 0) + 1;
      } catch (e) {
        fail((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - started))));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return report;
}
