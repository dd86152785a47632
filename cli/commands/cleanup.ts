import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { ensureCleanupSchedule, startCleanup } from '../../client/cleanup';
import { loadConfig } from '../../common/config';
import type { CleanupRequest, CleanupResult } from '../../common/remediation/cleanup';
import { collect, duration, int, interval } from '../lib/parsers';
import { CleanupInput } from '../../common/remediation/cleanup';
import { validate } from '../../common/spec/validate';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { EXIT } from '../lib/exit-codes';
import { exitCodeOf, followChange, reportEnd } from '../lib/follow-change';
import { workflowUrl } from '../lib/links';
import { Progress } from '../lib/progress';

export function registerCleanup(program: Command): void {
  const command = program
    .command('cleanup')
    .description(
      "remove Dockhand's stopped containers, unused networks and dangling images on a host (only what carries its labels); approval above a threshold",
    )
    .option('--host <id>', 'host agent to clean up (default: DOCKHAND_HOST_ID or this hostname)')
    .option('--service <name>', "only this service's leftovers")
    .option('--label <filter>', 'only objects with this label ("key" or "key=value"), repeatable', collect)
    .option(
      '--min-age <duration>',
      'leave alone what stopped or was made less than this long ago ("1h", "0s")',
      duration,
      '1h',
    )
    .option('--dry-run', 'list what would be removed; remove nothing')
    .option('--threshold <n>', 'more items than this wait for approval', int, 10)
    .option('--no-approval', 'never wait for approval, whatever the count')
    .option('--every <interval>', 'instead of running now, schedule it ("1h", "1d")', interval)
    .option('--detach', 'return as soon as it started')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
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
        detach?: boolean;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const request: CleanupRequest = {
          host: o.host ?? config.hostId,
          labels: o.label ?? [],
          minAge: o.minAge,
          dryRun: o.dryRun ?? false,
          threshold: o.threshold,
          approval: { required: o.approval },
          ...(o.service ? { service: o.service } : {}),
        };
        validate(CleanupInput, request, 'input');
        const client = await connectClient(config);
        if (o.every) {
          const id = await ensureCleanupSchedule(client, config, request, o.every as never);
          return emit(
            o.json,
            { scheduleId: id, every: o.every },
            `schedule ${id}: remediateCleanup every ${o.every} on ${request.host}`,
          );
        }
        const handle = await startCleanup(client, config, request);
        const url = workflowUrl(config, handle.workflowId);
        const target = { workflowId: handle.workflowId, url };
        if (o.detach) return emit(o.json, request, `started ${handle.workflowId}: ${url}`, target);
        const progress = o.json ? undefined : new Progress();
        progress?.line(
          `started ${handle.workflowId}; above ${o.threshold} items it waits for: dockhand approve ${handle.workflowId}`,
        );
        const end = await followChange(handle, { kind: 'phase', progress, reattach: `open ${url}`, url });
        if (exitCodeOf(end) !== EXIT.done) return reportEnd(end, { json: o.json, url, human: () => '' });
        const result = end.result as CleanupResult;
        if (o.json) return emit(true, result, '', target);
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
  examples(
    command,
    'dockhand cleanup --dry-run --min-age 0s',
    'dockhand cleanup --service web --threshold 20',
    'dockhand cleanup --every 1d',
  );
}
