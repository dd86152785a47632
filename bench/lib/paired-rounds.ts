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

const round2 = (x: number) => Number(x.toFixed(2));

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
} {
  const ratios = rounds.map((r) => round2(r.fleet / r.single));
  return {
    fleet: round2(median(rounds.map((r) => r.fleet))),
    single: round2(median(rounds.map((r) => r.single))),
    ratio: round2(median(ratios)),
    ratios,
  };
}
