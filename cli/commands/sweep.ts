import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { ensureHealthSweepSchedule } from '../../client/health-sweep';
import { loadConfig } from '../../common/config';
import { collect } from '../lib/parsers';

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description(
      'schedule the health sweep: every interval, unhealthy containers on the hosts become events (for engines whose event stream was interrupted)',
    )
    .option('--host <id>', 'host to sweep, repeatable (default: DOCKHAND_HOST_ID or this hostname)', collect)
    .option('--every <interval>', 'how often ("1m", "30s")', '1m')
    .action(async (o: { host?: string[]; every: string }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const id = await ensureHealthSweepSchedule(client, config, o.host ?? [config.hostId], o.every as never);
      console.log(`schedule ${id}: healthSweep every ${o.every} over ${(o.host ?? [config.hostId]).join(', ')}`);
    });
}
