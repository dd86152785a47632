import http from 'node:http';

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
 * request: a graceful nginx reload closes *idle* keep-alive connections, and a request a client sends
 * on one at that instant is reset — browsers and Go's http client retry that case by themselves,
 * Node's agent does not, so keep-alive here would count a client quirk, not a lost request. */
export async function loadUntil(
  url: string,
  stop: () => boolean,
  { concurrency = 4, minRequests = 0, ratePerSec = 100 } = {},
): Promise<LoadReport> {
  // Paced, so the load generator does not starve the workers it measures on a small machine.
  const interval = (concurrency * 1000) / ratePerSec;
  const agent = new http.Agent({ keepAlive: false, maxSockets: concurrency });
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
        const { status, body } = await get(url, agent);
        if (status !== 200) fail(`HTTP ${status}: ${body.slice(0, 100)}`);
        else report.bodies[body.trim()] = (report.bodies[body.trim()] ?? 0) + 1;
      } catch (e) {
        fail((e as Error).message);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, interval - (Date.now() - started))));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  agent.destroy();
  return report;
}

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout after 5s')));
    req.on('error', reject);
  });
}
