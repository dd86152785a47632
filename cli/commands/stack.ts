import type { Command } from 'commander';
import { examples } from '../lib/examples';
import { intBetween, oneOf } from '../lib/parsers';
import { runStack } from '../lib/processes';
import { MAX_TEST_HOSTS } from '../lib/test-hosts';

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
      intBetween(0, MAX_TEST_HOSTS),
    )
    .action(async (action: 'up' | 'down' | 'status', o: { hosts?: number }) => {
      const hosts = o.hosts ?? 0;
      if (hosts > 0 && action !== 'up') throw new Error(`--hosts goes with up only (down removes every test host)`);
      await runStack(action, hosts > 0 ? ['--hosts', String(hosts)] : []);
    });
  examples(command, 'dockhand stack up', 'dockhand stack up --hosts 3', 'dockhand stack status');
}
