import type { Command } from 'commander';
import { examples } from '../lib/examples';
import { oneOf } from '../lib/parsers';
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
  const command = program
    .command('stack')
    .description(
      'bring the local stack (Docker Engine, Redis, Temporal dev server + UI, fixture images) up, down, or show it',
    )
    .argument('<action>', 'up | down | status', oneOf('up', 'down', 'status'))
    .option(
      '--hosts <n>',
      `with up: also N test hosts (engines in network namespaces, an agent each, an image registry; 0–${MAX_TEST_HOSTS}, root)`,
    )
    .action(async (action: 'up' | 'down' | 'status', o: { hosts?: string }) => {
      const hosts = o.hosts === undefined ? 0 : parseHostCount(o.hosts);
      if (hosts > 0 && action !== 'up') throw new Error(`--hosts goes with up only (down removes every test host)`);
      await runStack(action, hosts > 0 ? ['--hosts', String(hosts)] : []);
    });
  examples(command, 'dockhand stack up', 'dockhand stack up --hosts 3', 'dockhand stack status');
}
