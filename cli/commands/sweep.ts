import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { ensureHealthSweepSchedule } from '../../client/health-sweep';
import { loadConfig } from '../../common/config';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { collect, interval } from '../lib/parsers';

export function registerSweep(program: Command): void {
  const command = program
    .command('sweep')
    .description(
      'schedule the health sweep: every interval, unhealthy containers on the hosts become events (for engines whose event stream was interrupted)',
    )
    .option('--host <id>', 'host to sweep, repeatable (default: DOCKHAND_HOST_ID or this hostname)', collect)
    .option('--every <interval>', 'how often ("1m", "30s")', interval, '1m')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async (o: { host?: string[]; every: string; json?: boolean }) => {
      const config = loadConfig();
      const hosts = o.host ?? [config.hostId];
      const client = await connectClient(config);
      const id = await ensureHealthSweepSchedule(client, config, hosts, o.every as never);
      emit(
        o.json,
        { scheduleId: id, every: o.every, hosts },
        `schedule ${id}: healthSweep every ${o.every} over ${hosts.join(', ')}`,
      );
    });
  examples(command, 'dockhand sweep --every 1m --host vm-1 --host vm-2');
}
