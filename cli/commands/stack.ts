import type { Command } from 'commander';
import { runStack } from '../lib/processes';
import { MAX_TEST_HOSTS } from '../lib/test-hosts';

/** `--hosts` as given: a whole number from 0 to MAX_TEST_HOSTS, else an error naming the option. */
export function parseHostCount(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > MAX_TEST_HOSTS)
    throw new Error(`--hosts: "${raw}" is not a whole number from 0 to ${MAX_TEST_HOSTS}`);
  return n;
}

export function registerStack(program: Command): void {
  program
    .command('stack')
    .description(
      'bring the local stack (Docker Engine, Redis, Temporal dev server + UI, fixture images) up, down, or show it',
    )
    .argument('<action>', 'up | down | status')
    .option(
      '--hosts <n>',
      `with up: also N test hosts (engines in network namespaces, an agent each, an image registry; 0–${MAX_TEST_HOSTS}, root)`,
    )
    .action(async (action: string, o: { hosts?: string }) => {
      if (!['up', 'down', 'status'].includes(action))
        throw new Error(`unknown stack action "${action}" (use up, down or status)`);
      const hosts = o.hosts === undefined ? 0 : parseHostCount(o.hosts);
      if (hosts > 0 && action !== 'up') throw new Error(`--hosts goes with up only (down removes every test host)`);
      await runStack(action as 'up' | 'down' | 'status', hosts > 0 ? ['--hosts', String(hosts)] : []);
    });
}
