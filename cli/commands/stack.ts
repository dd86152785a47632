import type { Command } from 'commander';
import { examples } from '../lib/examples';
import { oneOf } from '../lib/parsers';
import { runStack } from '../lib/processes';

export function registerStack(program: Command): void {
  const command = program
    .command('stack')
    .description(
      'bring the local stack (Docker Engine, Redis, Temporal dev server + UI, fixture images) up, down, or show it',
    )
    .argument('<action>', 'up | down | status', oneOf('up', 'down', 'status'))
    .action(async (action: 'up' | 'down' | 'status') => {
      await runStack(action);
    });
  examples(command, 'dockhand stack up', 'dockhand stack status');
}
