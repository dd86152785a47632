import { readFileSync } from 'node:fs';
import { median, medianInterval, round2 } from './lib/paired-rounds';

/** The per-round ratios of the fleet bench's result lines (its last JSON line), pooled over every run
 * given. Pure. */
export function poolFleetRuns(logs: string[]): Record<string, unknown> {
  const results = logs.map((log, i) => {
    const line = log
      .split('\n')
      .reverse()
      .find((l) => l.startsWith('{"hosts"'));
    if (!line) throw new Error(`log ${i + 1} has no result line of the fleet bench ({"hosts":…})`);
    return JSON.parse(line) as { ratios?: number[]; docker_ratios?: number[] };
  });
  const pooled = (key: 'ratios' | 'docker_ratios') => {
    const xs = results.flatMap((r) => r[key] ?? []);
    if (!xs.length) return undefined;
    const { low, high, coverage } = medianInterval(xs);
    const under = xs.filter((x) => x <= 1.3).length;
    return {
      rounds: xs.length,
      median: round2(median(xs)),
      interval: [low, high],
      coverage,
      at_or_under_1_3: under,
    };
  };
  return { runs: results.length, ratio: pooled('ratios'), docker_ratio: pooled('docker_ratios') };
}

/** `npm run bench -- fleet-pool <log>…`: every round of several `npm run bench -- fleet` runs as one
 * sample — one run's seven rounds cannot tell a median of 1.32 from one of 1.28 on this machine. */
export function main(): Promise<void> {
  const files = process.argv.slice(3);
  if (!files.length) throw new Error('usage: npm run bench -- fleet-pool <output of npm run bench -- fleet>…');
  console.log(JSON.stringify(poolFleetRuns(files.map((f) => readFileSync(f, 'utf8')))));
  return Promise.resolve();
}
