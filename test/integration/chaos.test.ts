import { describe, expect, it } from 'vitest';
import { runChaos } from '../../chaos/suite';

/**
 * The chaos suite's short run (`npm run chaos -- --rounds 3 --seed 616` runs the same rounds): a
 * hermetic world of its own (engine in a network namespace, Redis, Temporal, workers — never the
 * shared ones), three seeded rounds of a workflow with a fault, every invariant checked after each.
 */
describe('chaos suite (short seeded run on its own world)', () => {
  it('keeps every invariant through three seeded rounds of workflows and faults', { timeout: 900_000 }, async () => {
    const lines: string[] = [];
    const { summary, violations } = await runChaos({
      rounds: 3,
      seed: SEED,
      world: { name: 'chaos-t', block: 202, redisPort: 6392, temporalPort: 7293, temporalUiPort: 8293 },
      log: (l) => lines.push(l),
    });
    // The full log on failure: seed, round, workflow, fault and the history link of each violation.
    expect(violations, lines.join('\n')).toEqual([]);
    expect(summary).toMatchObject({ rounds: 3, violations: 0, failed_outside_engine_restart: 0 });
    expect(summary.requests).toBeGreaterThan(0);
  });
});

const SEED = 616;
