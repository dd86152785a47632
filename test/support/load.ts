import { freshGet } from '../../client/fresh-get';

/** `seq`: the request's place in send order (0, 1, …), exact where `sentAt` (ms) ties. */
export interface LoadSample {
  seq: number;
  sentAt: number;
  doneAt: number;
  status: number;
  body: string;
  error?: string;
}
export interface LoadReport {
  requests: number;
  failed: number;
  /** Bodies in the order the requests were sent, with consecutive repeats collapsed (["v1\n", "v2\n"]). */
  sequence: string[];
  /** How many times the answering version changed. */
  flips: number;
  /** Send time of the first answer with `switchTo` in its body (epoch ms), if any. */
  firstSwitchedAt?: number;
  /** Slowest answer, ms. */
  maxLatencyMs: number;
  samples: LoadSample[];
}

/**
 * A steady-rate load generator: `ratePerSec` GETs of `url`, each on a fresh connection (what a
 * browser arriving anew does; it also means no client keep-alive socket can be closed under a
 * request during an nginx reload and be counted as the server's fault). A slow answer is not a
 * failure (the 30 s client timeout is far beyond any switch); latency is reported apart. Stop it for
 * the report.
 */
export function startLoad(
  url: string,
  ratePerSec: number,
  switchTo?: string,
): { stop(): Promise<LoadReport>; count(): number; samples(): LoadSample[]; sent(): number } {
  const samples: LoadSample[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  let sent = 0;
  const fire = (seq: number) => {
    const sentAt = Date.now();
    const p = freshGet(url, 30_000).then(
      ({ status, body }) => void samples.push({ seq, sentAt, doneAt: Date.now(), status, body }),
      (e: Error) => void samples.push({ seq, sentAt, doneAt: Date.now(), status: 0, body: '', error: e.message }),
    );
    inFlight.add(p);
    void p.then(() => inFlight.delete(p));
  };
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * ratePerSec) / 1000);
    for (; sent < due; sent++) fire(sent);
  }, 5);
  return {
    count: () => samples.length,
    /** The answers so far (a copy), in the order they arrived. */
    samples: () => [...samples],
    /** How many requests were sent so far (the next one gets this `seq`). */
    sent: () => sent,
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return summarize(samples, switchTo);
    },
  };
}

function summarize(samples: LoadSample[], switchTo?: string): LoadReport {
  const ordered = [...samples].sort((a, b) => a.seq - b.seq);
  const ok = ordered.filter((s) => s.status >= 200 && s.status < 300);
  const sequence: string[] = [];
  for (const s of ok) if (sequence[sequence.length - 1] !== s.body) sequence.push(s.body);
  return {
    requests: samples.length,
    failed: samples.length - ok.length,
    sequence,
    flips: Math.max(0, sequence.length - 1),
    firstSwitchedAt: switchTo === undefined ? undefined : ok.find((s) => s.body.includes(switchTo))?.sentAt,
    maxLatencyMs: Math.max(0, ...samples.map((s) => s.doneAt - s.sentAt)),
    samples: ordered,
  };
}
