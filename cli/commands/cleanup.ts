import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { ensureCleanupSchedule, startCleanup } from '../../client/cleanup';
import { loadConfig } from '../../common/config';
import type { CleanupRequest, CleanupResult } from '../../common/remediation/cleanup';
import { collect } from '../lib/parsers';

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description(
      "remove Dockhand's stopped containers, unused networks and dangling images on a host (only what carries its labels); approval above a threshold",
    )
    .option('--host <id>', 'host agent to clean up (default: DOCKHAND_HOST_ID or this hostname)')
    .option('--service <name>', "only this service's leftovers")
    .option('--label <filter>', 'only objects with this label ("key" or "key=value"), repeatable', collect)
    .option('--min-age <duration>', 'leave alone what stopped or was made less than this long ago ("1h", "0s")', '1h')
    .option('--dry-run', 'list what would be removed; remove nothing')
    .option('--threshold <n>', 'more items than this wait for approval', (v) => Number(v), 10)
    .option('--no-approval', 'never wait for approval, whatever the count')
    .option('--every <interval>', 'instead of running now, schedule it ("1h", "1d")')
    .option('--json', 'print the result as JSON')
    .action(
      async (o: {
        host?: string;
        service?: string;
        label?: string[];
        minAge: string;
        dryRun?: boolean;
        threshold: number;
        approval: boolean;
        every?: string;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const client = await connectClient(config);
        const request: CleanupRequest = {
          host: o.host ?? config.hostId,
          labels: o.label ?? [],
          minAge: o.minAge,
          dryRun: o.dryRun ?? false,
          threshold: o.threshold,
          approval: { required: o.approval },
          ...(o.service ? { service: o.service } : {}),
        };
        if (o.every) {
          const id = await ensureCleanupSchedule(client, config, request, o.every as never);
          return void console.log(`schedule ${id}: remediateCleanup every ${o.every} on ${request.host}`);
        }
        const handle = await startCleanup(client, config, request);
        if (!o.json)
          console.log(
            `started ${handle.workflowId}; above ${o.threshold} items it waits for: dockhand approve ${handle.workflowId}`,
          );
        const result = (await handle.result()) as CleanupResult;
        if (o.json) return void console.log(JSON.stringify({ workflowId: handle.workflowId, result }));
        for (const i of result.items) {
          const skipped = result.skipped.find((s) => s.item.id === i.id);
          const verb = result.dryRun ? 'would remove' : skipped ? `skipped (${skipped.reason})` : 'removed';
          console.log(`${verb}: ${i.kind} ${i.name} — ${i.detail}`);
        }
        console.log(
          `${result.dryRun ? 'dry run: ' : ''}${result.items.length} found, ${result.removed.length} removed, ${result.skipped.length} skipped`,
        );
      },
    );
}
