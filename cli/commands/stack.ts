import type { Command } from 'commander';
import { runStack } from '../lib/processes';

export function registerStack(program: Command): void {
  program
    .command('stack')
    .description(
      'bring the local stack (Docker Engine, Redis, Temporal dev server + UI, fixture images) up, down, or show it',
    )
    .argument('<action>', 'up | down | status')
    .action(async (action: string) => {
      if (!['up', 'down', 'status'].includes(action))
        throw new Error(`unknown stack action "${action}" (use up, down or status)`);
      await runStack(action as 'up' | 'down' | 'status');
    });
}
