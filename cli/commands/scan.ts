import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { connectClient } from '../../client/connection';
import {
  describeScanSchedule,
  DEFAULT_SCAN_SCHEDULE_ID,
  listScanSchedules,
  upsertScanSchedule,
} from '../../client/scan-schedule';
import { startSecurityScan } from '../../client/security-scan';
import { fetchScanReport } from '../../client/scan-report';
import { serviceFilePath } from '../../client/service-file';
import { renderReport } from '../../activities/scan/report/render';
import { REPORT_FORMATS, type ReportFormat } from '../../common/scan/report-transfer';
import { serviceFileLocator } from '../lib/sarif-locations';
import { configFlag } from '../lib/service-file';
import { loadConfig, readVariable } from '../../common/config';
import type { ScanRequest } from '../../common/scan/scan-input';
import type { SecurityScanResult } from '../../common/scan/scan-result';
import { atOrAbove, SEVERITIES, type Severity } from '../../common/scan/severity';
import { collect, duration, int, oneOf } from '../lib/parsers';
import { ScanInput } from '../../common/scan/scan-input';
import { validate } from '../../common/spec/validate';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { CliError, EXIT, UsageError } from '../lib/exit-codes';
import { followChange, reportEnd } from '../lib/follow-change';
import { workflowUrl } from '../lib/links';
import { Progress } from '../lib/progress';

type ScheduleAction = 'list' | 'describe' | 'pause' | 'unpause' | 'trigger' | 'delete';

/** Exit code when findings at or above --fail-on exist (1 stays "the command itself failed"). */
const FAIL_ON_EXIT_CODE = EXIT.findings;

interface ScanOptions {
  host?: string[];
  label?: string[];
  name?: string[];
  include?: string[];
  exclude?: string[];
  check?: string[];
  skipCheck?: string[];
  suppressions?: string;
  concurrency?: number;
  hostTimeout?: string;
  includeStopped?: boolean;
  publishFindings?: boolean;
  sbom?: boolean;
  maxDbAge?: number;
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
    .option('--concurrency <n>', 'containers scanned at once per host', int)
    .option(
      '--host-timeout <duration>',
      'how long a host may take to answer before it is reported down (e.g. 60s)',
      duration,
    )
    .option('--sbom', 'also write a CycloneDX SBOM per image beside the report, diffed against the last scan')
    .option('--max-db-age <days>', 'report vulnerability data older than this many days (default 7)', int)
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
    suppressions: o.suppressions ? readSuppressions(o.suppressions) : [],
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
    ...(o.hostTimeout ? { hostTimeoutMs: o.hostTimeout } : {}),
    ...(o.publishFindings ? { publishFindings: true } : {}),
    ...(o.sbom || o.maxDbAge !== undefined
      ? {
          vulnerabilities: {
            ...(o.sbom ? { sbom: true } : {}),
            ...(o.maxDbAge !== undefined ? { maxDbAgeDays: o.maxDbAge } : {}),
          },
        }
      : {}),
  };
}

/** The accepted risks of --suppressions; a file that cannot be read or parsed is named. */
function readSuppressions(file: string): ScanRequest['suppressions'] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `--suppressions: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    return JSON.parse(text) as ScanRequest['suppressions'];
  } catch (e) {
    throw new UsageError(`--suppressions: ${file} is not JSON (${(e as Error).message})`);
  }
}

/** The findings at or above `threshold`, from the result's counts (suppressed ones excluded). */
function countAtOrAbove(result: SecurityScanResult, threshold: Severity): number {
  return SEVERITIES.filter((s) => atOrAbove(s, threshold)).reduce((n, s) => n + result.counts[s], 0);
}

function printSummary(r: SecurityScanResult, log: (line: string) => void = console.log): void {
  const c = r.counts;
  log(
    `score ${r.score}/100 — ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low, ${c.info} info (${r.suppressed} suppressed)`,
  );
  log(`containers: ${r.containers.scanned} scanned, ${r.containers.gone} gone mid-scan, ${r.containers.errors} failed`);
  if (r.hosts.unreachable.length) log(`hosts not scanned (unreachable): ${r.hosts.unreachable.join(', ')}`);
  log(
    `since ${r.diff.previousReportId ?? 'no previous report'}: ${r.diff.new} new, ${r.diff.fixed} fixed, ${r.diff.stillOpen} still open`,
  );
  for (const n of r.notices ?? []) log(`note: ${n}`);
  for (const f of r.remediation ?? [])
    log(`fix: ${f.host}/${f.container} ${f.ruleId} (${f.package} ≥ ${f.fixed}): ${f.command}`);
  for (const s of r.sboms ?? [])
    log(`sbom: ${s.image}: ${s.packages} packages, ${s.added} added, ${s.removed} removed — ${s.file}`);
  log(`report on the orchestrator: ${r.reportDir}`);
}

/** The result as the --json envelope shows it: the encoded report left out (--format writes it). */
function withoutInline(r: SecurityScanResult): SecurityScanResult {
  if (!r.report?.inline) return r;
  const { inline: _, ...report } = r.report;
  return { ...r, report };
}

/** Where --output goes; refused before the scan starts when its directory is missing or it is one. */
function checkOutput(file: string): string {
  const abs = path.resolve(file);
  if (existsSync(abs) && statSync(abs).isDirectory())
    throw new UsageError(`--output: ${file} is a directory; name a file`);
  const dir = path.dirname(abs);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--output: the directory ${dir} does not exist`);
  return abs;
}

export function registerScan(program: Command): void {
  const scan = addScanOptions(
    program
      .command('scan')
      .description(
        'audit running containers (CIS Docker Benchmark, secrets, drift, image vulnerabilities with Trivy) with the securityScan workflow',
      ),
  )
    .addOption(
      new Option('--fail-on <severity>', `exit ${EXIT.findings} when findings at or above this severity exist`).choices(
        [...SEVERITIES],
      ),
    )
    .addOption(
      new Option(
        '--format <format>',
        'write the report where the CLI runs in this format (with --output, else to stdout)',
      ).choices([...REPORT_FORMATS]),
    )
    .option('--output <file>', 'the file --format writes (default format with --output: json)')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(
      async (
        o: ScanOptions & { failOn?: Severity; json?: boolean; format?: ReportFormat; output?: string },
        cmd: Command,
      ) => {
        const config = loadConfig();
        const request = scanRequest(o);
        validate(ScanInput, request, 'input');
        const format = o.format ?? (o.output ? 'json' : undefined);
        if (format && !o.output && o.json)
          throw new UsageError('--format: with --json the envelope owns stdout; give --output <file> for the report');
        const output = o.output ? checkOutput(o.output) : undefined;
        const client = await connectClient(config);
        const handle = await startSecurityScan(client, config, request);
        const url = workflowUrl(config, handle.workflowId);
        const progress = o.json ? undefined : new Progress();
        progress?.line(`started ${handle.workflowId} — ${url}`);
        const end = await followChange(handle, { kind: 'phase', progress, reattach: `open ${url}`, url });
        if (end.outcome !== 'succeeded') return reportEnd(end, { json: o.json, url, human: () => '' });
        const result = end.result as SecurityScanResult;
        const target = { workflowId: handle.workflowId, url };
        const over = o.failOn ? countAtOrAbove(result, o.failOn) : 0;
        // With the report on stdout, the summary goes to stderr so the two never mix.
        if (!o.json) printSummary(result, format && !output ? console.error : console.log);
        if (format) {
          if (!result.report)
            throw new CliError(
              'the orchestrator returned no report to fetch (an older orchestrator?)',
              EXIT.error,
              target,
            );
          const report = await fetchScanReport(client, config, result.report);
          const text = renderReport(report, format, { locate: serviceFileLocator(serviceFilePath(configFlag(cmd))) });
          if (output) {
            writeFileSync(output, text);
            if (!o.json) console.log(`wrote ${format} report ${report.reportId} to ${output}`);
          } else process.stdout.write(text);
        }
        if (over > 0)
          throw new CliError(`${over} finding(s) at or above ${o.failOn}`, FAIL_ON_EXIT_CODE, {
            ...target,
            details: withoutInline(result),
          });
        if (o.json) emit(true, withoutInline(result), '', target);
      },
    );
  examples(
    scan,
    'dockhand scan',
    'dockhand scan --host vm-1 --label app=web --fail-on high',
    'dockhand scan --json --fail-on critical > scan.json',
    'dockhand scan --format sarif --output dockhand.sarif --fail-on high',
    'dockhand scan --format html --output report.html',
  );

  const schedule = addScanOptions(
    scan
      .command('schedule')
      .description(
        'create or update the scan schedule (--cron), or list | describe | pause | unpause | trigger | delete it',
      ),
  )
    .argument(
      '[action]',
      'list | describe | pause | unpause | trigger | delete (none: create or update with --cron)',
      oneOf('list', 'describe', 'pause', 'unpause', 'trigger', 'delete'),
    )
    .option('--id <scheduleId>', 'schedule id', DEFAULT_SCAN_SCHEDULE_ID)
    .option('--cron <expr>', 'cron expression, e.g. "0 3 * * *" (nightly at 03:00)')
    .option('--timezone <tz>', 'time zone of the cron expression (default UTC)')
    .option('--catchup-window <duration>', 'after an outage, still take runs missed within this window', duration, '1h')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(
      async (
        action: ScheduleAction | undefined,
        o: ScanOptions & { id: string; cron?: string; timezone?: string; catchupWindow: string; json?: boolean },
      ) => {
        if (action === undefined && !o.cron)
          throw new UsageError(
            'scan schedule: give --cron "<expr>" to create or update, or an action (list, describe, pause, unpause, trigger, delete)',
          );
        const scan = action === undefined ? scanRequest(o) : undefined;
        if (scan) validate(ScanInput, scan, 'input');
        const config = loadConfig();
        const client = await connectClient(config);
        const handle = client.schedule.getHandle(o.id);
        const done = (verb: string, text: string) => emit(o.json, { scheduleId: o.id, action: verb }, text);
        switch (action) {
          case undefined: {
            const r = await upsertScanSchedule(client, config, {
              scheduleId: o.id,
              cron: o.cron!,
              timezone: o.timezone,
              catchupWindow: o.catchupWindow as never,
              scan: scan!,
            });
            return emit(
              o.json,
              r,
              `${r.created ? 'created' : 'updated'} schedule ${r.scheduleId} (cron "${o.cron}", overlap skip, catch-up window ${o.catchupWindow})`,
            );
          }
          case 'list': {
            const all = await listScanSchedules(client);
            return emit(o.json, all, () =>
              all
                .map(
                  (s) => `${s.scheduleId}\t${s.paused ? 'paused' : 'active'}\tnext ${s.next ?? '-'}\t${s.note ?? ''}`,
                )
                .join('\n'),
            );
          }
          case 'describe': {
            const d = await describeScanSchedule(client, o.id);
            return emit(o.json, d, () => JSON.stringify(d, null, 2));
          }
          case 'pause':
            await handle.pause('paused with dockhand scan schedule pause');
            return done('pause', `paused ${o.id}`);
          case 'unpause':
            await handle.unpause('unpaused with dockhand scan schedule unpause');
            return done('unpause', `unpaused ${o.id}`);
          case 'trigger':
            await handle.trigger();
            return done('trigger', `triggered ${o.id}: a scan starts now`);
          case 'delete':
            await handle.delete();
            return done('delete', `deleted ${o.id}`);
        }
      },
    );
  examples(
    schedule,
    'dockhand scan schedule --cron "0 3 * * *" --fail-on high',
    'dockhand scan schedule list',
    'dockhand scan schedule pause',
  );
}
