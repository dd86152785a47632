import { FAULTS, type Fault } from './lib/faults';
import { WORKFLOWS, type WorkflowKind } from './lib/scenarios';
import { runChaos } from './suite';

const USAGE =
  'usage: npm run chaos -- [--rounds N] [--seed S] [--workflows a,b] [--faults x,y] [--world 1-4]\n' +
  `  workflows: ${WORKFLOWS.join(', ')}\n  faults: ${FAULTS.join(', ')}`;

/** `npm run chaos -- [--rounds N] [--seed S]`: the chaos suite on a hermetic world of its own (see
 * chaos/world.ts). Progress and violations as it goes; the last line is the JSON summary. */
function parseArgs(argv: string[]) {
  const opts: { rounds: number; seed: number; world: number; workflows?: WorkflowKind[]; faults?: Fault[] } = {
    rounds: 10,
    world: 1,
    seed: Date.now() % 1_000_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    const list = <T extends string>(all: readonly T[]) =>
      value.split(',').map((v) => {
        if (!all.includes(v as T)) throw new Error(`${flag}: "${v}" is not one of ${all.join(', ')}`);
        return v as T;
      });
    if (flag === '--world') {
      // A second world (2–4) may run beside the first: its own namespace, ports and state.
      if (!/^[1-4]$/.test(value)) throw new Error(`--world must be 1, 2, 3 or 4, got "${value}"`);
      opts.world = Number(value);
    } else if (flag === '--rounds' || flag === '--seed') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < (flag === '--rounds' ? 1 : 0))
        throw new Error(
          `${flag} must be a ${flag === '--rounds' ? 'positive' : 'non-negative'} integer, got "${value}"`,
        );
      opts[flag === '--rounds' ? 'rounds' : 'seed'] = n;
    } else if (flag === '--workflows') opts.workflows = list(WORKFLOWS);
    else if (flag === '--faults') opts.faults = list(FAULTS);
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return opts;
}

/** World 1: namespace block 201, Redis :6391, Temporal :7291 (HTTP :7292), UI :8291; world n adds 10(n-1)
 * to each (the test's world uses block 202 and :6392/:7293/:8293). */
function worldOf(n: number) {
  const k = 10 * (n - 1);
  return {
    name: n === 1 ? 'chaos' : `chaos${n}`,
    block: 201 + k,
    redisPort: 6391 + k,
    temporalPort: 7291 + k,
    temporalUiPort: 8291 + k,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  console.log(`chaos: seed ${opts.seed}, ${opts.rounds} rounds (repeat with --seed ${opts.seed})`);
  const { summary } = await runChaos({
    ...opts,
    world: worldOf(opts.world),
  });
  console.log(JSON.stringify(summary));
  // Explicit: a Temporal connection the SDK keeps for its runtime would hold the process open.
  process.exit(summary.violations === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
