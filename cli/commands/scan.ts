import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { connectClient } from '../../client/connection';
import {
  describeScanSchedule,
  DEFAULT_SCAN_SCHEDULE_ID,
  listScanSchedules,
  upsertScanSchedule,
} from '../../client/scan-schedule';
import { startSecurityScan } from '../../client/security-scan';
import { loadConfig, readVariable } from '../../common/config';
import type { ScanRequest } from '../../common/scan/scan-input';
import type { SecurityScanResult } from '../../common/scan/scan-result';
import { atOrAbove, SEVERITIES, type Severity } from '../../common/scan/severity';
import { collect } from '../lib/parsers';

/** Exit code when findings at or above --fail-on exist (1 stays "the command itself failed"). */
export const FAIL_ON_EXIT_CODE = 2;

interface ScanOptions {
  host?: string[];
  label?: string[];
  name?: string[];
  include?: string[];
  exclude?: string[];
  check?: string[];
  skipCheck?: string[];
  suppressions?: string;
  concurrency?: string;
  hostTimeout?: string;
  includeStopped?: boolean;
  publishFindings?: boolean;
}

function addScanOptions(cmd: Command): Command {
  return cmd
    .option(
      '--host <id>',
      'host agent to scan, repeatable (default: DOCKHAND_HOSTS, comma-separated, or every registered host — see `dockhand hosts`)',
      collect,
    )
    .option('--label <key[=value]>', 'only containers with this label, repeatable', collect)
    .option('--name <name>', 'only this container, repeatable', collect)
    .option('--include <glob>', 'only containers whose name matches, repeatable', collect)
    .option('--exclude <glob>', 'skip containers whose name matches, repeatable', collect)
    .option('--check <id>', 'run only these checks (ids or "CIS-5.*"), repeatable', collect)
    .option('--skip-check <id>', 'skip these checks, repeatable', collect)
    .option('--suppressions <file>', 'JSON list of accepted risks: [{ruleId, container?, host?, reason, expires}]')
    .option('--include-stopped', 'also scan stopped containers')
    .option('--concurrency <n>', 'containers scanned at once per host')
    .option('--host-timeout <duration>', 'how long a host may take to answer before it is reported down (e.g. 60s)')
    .option(
      '--publish-findings',
      'publish a scan_finding event per container with findings (trigger rules can harden opted-in containers)',
    );
}

/** The scan request the options describe (validated by the client before anything starts). */
export function scanRequest(o: ScanOptions, env: NodeJS.ProcessEnv = process.env): ScanRequest {
  // No hosts: the workflow scans every host in the registry (and reports the ones that are down).
  const hosts = o.host?.length
    ? o.host
    : (readVariable('DOCKHAND_HOSTS', env)
        ?.split(',')
        .map((h) => h.trim())
        .filter(Boolean) ?? []);
  return {
    hosts,
    containers: {
      labels: o.label ?? [],
      names: o.name ?? [],
      include: o.include ?? [],
      exclude: o.exclude ?? [],
      includeStopped: o.includeStopped ?? false,
    },
    checks: { include: o.check ?? [], exclude: o.skipCheck ?? [] },
    suppressions: o.suppressions
      ? (JSON.parse(readFileSync(o.suppressions, 'utf8')) as ScanRequest['suppressions'])
      : [],
    ...(o.concurrency ? { concurrency: Number(o.concurrency) } : {}),
    ...(o.hostTimeout ? { hostTimeoutMs: o.hostTimeout } : {}),
    ...(o.publishFindings ? { publishFindings: true } : {}),
  };
}

/** The findings at or above `threshold`, from the result's counts (suppressed ones excluded). */
export function countAtOrAbove(result: SecurityScanResult, threshold: Severity): number {
  return SEVERITIES.filter((s) => atOrAbove(s, threshold)).reduce((n, s) => n + result.counts[s], 0);
}

function printSummary(r: SecurityScanResult): void {
  const c = r.counts;
  console.log(
    `score ${r.score}/100 — ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.info} info (${r.suppressed} suppressed)`,
  );
  console.log(
    `containers: ${r.containers.scanned} scanned, ${r.containers.gone} gone mid-scan, ${r.containers.errors} failed`,
  );
  if (r.hosts.unreachable.length) console.log(`hosts not scanned (unreachable): ${r.hosts.unreachable.join(', ')}`);
  console.log(
    `since ${r.diff.previousReportId ?? 'no previous report'}: ${r.diff.new} new, ${r.diff.fixed} fixed, ${r.diff.stillOpen} still open`,
  );
  console.log(`report: ${r.files.markdown}\n        ${r.files.json}\n        ${r.files.sarif}`);
}

export function registerScan(program: Command): void {
  const scan = addScanOptions(
    program
      .command('scan')
      .description('audit running containers (CIS Docker Benchmark, secrets, drift) with the securityScan workflow'),
  )
    .addOption(
      new Option('--fail-on <severity>', 'exit 2 when findings at or above this severity exist').choices([
        ...SEVERITIES,
      ]),
    )
    .option('--json', 'print the workflow result as JSON')
    .action(async (o: ScanOptions & { failOn?: Severity; json?: boolean }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const handle = await startSecurityScan(client, config, scanRequest(o));
      if (!o.json) console.error(`started ${handle.workflowId}; scanning…`);
      const result = await handle.result();
      if (o.json) console.log(JSON.stringify(result));
      else printSummary(result);
      if (o.failOn && countAtOrAbove(result, o.failOn) > 0) {
        if (!o.json) console.error(`dockhand: ${countAtOrAbove(result, o.failOn)} finding(s) at or above ${o.failOn}`);
        process.exitCode = FAIL_ON_EXIT_CODE;
      }
    });

  addScanOptions(
    scan
      .command('schedule')
      .description(
        'create or update the scan schedule (--cron), or list | describe | pause | unpause | trigger | delete it',
      ),
  )
    .argument('[action]', 'list | describe | pause | unpause | trigger | delete (none: create or update with --cron)')
    .option('--id <scheduleId>', 'schedule id', DEFAULT_SCAN_SCHEDULE_ID)
    .option('--cron <expr>', 'cron expression, e.g. "0 3 * * *" (nightly at 03:00)')
    .option('--timezone <tz>', 'time zone of the cron expression (default UTC)')
    .option('--catchup-window <duration>', 'after an outage, still take runs missed within this window', '1h')
    .action(
      async (
        action: string | undefined,
        o: ScanOptions & { id: string; cron?: string; timezone?: string; catchupWindow: string },
      ) => {
        const config = loadConfig();
        const client = await connectClient(config);
        const handle = client.schedule.getHandle(o.id);
        switch (action) {
          case undefined: {
            if (!o.cron)
              throw new Error(
                'scan schedule: give --cron "<expr>" to create or update, or an action (list, describe, pause, unpause, trigger, delete)',
              );
            const r = await upsertScanSchedule(client, config, {
              scheduleId: o.id,
              cron: o.cron,
              timezone: o.timezone,
              catchupWindow: o.catchupWindow as never,
              scan: scanRequest(o),
            });
            console.log(
              `${r.created ? 'created' : 'updated'} schedule ${r.scheduleId} (cron "${o.cron}", overlap skip, catch-up window ${o.catchupWindow})`,
            );
            return;
          }
          case 'list':
            for (const s of await listScanSchedules(client))
              console.log(`${s.scheduleId}\t${s.paused ? 'paused' : 'active'}\tnext ${s.next ?? '-'}\t${s.note ?? ''}`);
            return;
          case 'describe':
            console.log(JSON.stringify(await describeScanSchedule(client, o.id), null, 2));
            return;
          case 'pause':
            await handle.pause('paused with dockhand scan schedule pause');
            console.log(`paused ${o.id}`);
            return;
          case 'unpause':
            await handle.unpause('unpaused with dockhand scan schedule unpause');
            console.log(`unpaused ${o.id}`);
            return;
          case 'trigger':
            await handle.trigger();
            console.log(`triggered ${o.id}: a scan starts now`);
            return;
          case 'delete':
            await handle.delete();
            console.log(`deleted ${o.id}`);
            return;
          default:
            throw new Error(
              `unknown scan schedule action "${action}" (use list, describe, pause, unpause, trigger or delete)`,
            );
        }
      },
    );
}
