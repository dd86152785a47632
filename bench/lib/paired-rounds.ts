/** One round of a paired measurement: the same change timed on the fleet and on one host, back to back. */
export interface PairedRound {
  fleet: number;
  single: number;
}

/** The middle value (the mean of the two middle ones for an even count). Pure. */
export function median(xs: number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Two decimals, as every figure the benches print. */
export const round2 = (x: number) => Number(x.toFixed(2));

/** Where the true median lies, from the sample alone: the order statistics [x(k), x(n+1-k)] with the
 * largest k whose coverage (1 − 2·P(Binomial(n, ½) < k)) is still at least `confidence` — no
 * assumption about the distribution, which on this machine is skewed by slow minutes. With too few
 * values for that confidence it is the whole range, and `coverage` says how sure that is. Pure. */
export function medianInterval(xs: number[], confidence = 0.95): { low: number; high: number; coverage: number } {
  if (xs.length === 0) throw new Error('interval of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const coverage = (k: number) => 1 - 2 * binomialBelow(n, k);
  let k = 1;
  while (k + 1 <= (n + 1) / 2 && coverage(k + 1) >= confidence) k++;
  return { low: s[k - 1]!, high: s[n - k]!, coverage: round2(coverage(k)) };
}

/** P(X < k) for X ~ Binomial(n, ½). */
function binomialBelow(n: number, k: number): number {
  let p = 0;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  for (let i = 0; i < k; i++) {
    p += term;
    term = (term * (n - i)) / (i + 1);
  }
  return p;
}

/**
 * What paired rounds say: the median fleet and single-host seconds, and the median of the per-round
 * ratios — each round's two runs met the same minute of the machine, so a ratio within a round is
 * steadier than a ratio of two medians taken minutes apart. Pure.
 */
export function pairedSummary(rounds: PairedRound[]): {
  fleet: number;
  single: number;
  ratio: number;
  ratios: number[];
  /** Where the ratio's true median lies with 95 % confidence (the whole range of a small run, with the
   * coverage it has): one run's `ratio` is a sample, and this says how far it can be trusted. */
  interval: [number, number];
  coverage: number;
} {
  const ratios = rounds.map((r) => round2(r.fleet / r.single));
  const { low, high, coverage } = medianInterval(ratios);
  return {
    fleet: round2(median(rounds.map((r) => r.fleet))),
    single: round2(median(rounds.map((r) => r.single))),
    ratio: round2(median(ratios)),
    ratios,
    interval: [low, high],
    coverage,
  };
}
