import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';
import { DockhandHost, DockhandPhase, DockhandService } from '../../common/search-attributes';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { UsageError } from '../lib/exit-codes';
import { workflowUrl } from '../lib/links';
import { int, oneOf } from '../lib/parsers';

/** What runs now, as one visibility query finds it (the search attributes every Dockhand workflow sets). */
interface RunningItem {
  workflowId: string;
  runId: string;
  type: string;
  kind: 'change' | 'remediation' | 'scan' | 'other';
  service: string | null;
  host: string | null;
  phase: string | null;
  startedAt: string;
  ageMs: number;
  url: string;
}

const KEYWORD = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The visibility query `dockhand list` runs (exported for its unit test: values are checked first,
 * so nothing the user types can change the query's meaning). */
export function listQuery(o: { service?: string; host?: string; kind?: 'changes' | 'remediations' }): string {
  for (const [flag, value] of [
    ['--service', o.service],
    ['--host', o.host],
  ] as const)
    if (value !== undefined && !KEYWORD.test(value))
      throw new UsageError(`${flag}: "${value}" is not a name (letters, digits, "_", "." and "-")`);
  return [
    'ExecutionStatus = "Running"',
    'DockhandWorkflow IS NOT NULL',
    ...(o.service ? [`DockhandService = "${o.service}"`] : []),
    ...(o.host ? [`DockhandHost = "${o.host}"`] : []),
    ...(o.kind === 'changes' ? ['WorkflowId STARTS_WITH "deploy/"'] : []),
    ...(o.kind === 'remediations' ? ['WorkflowId STARTS_WITH "remediate/"'] : []),
  ].join(' AND ');
}

function kindOf(workflowId: string): RunningItem['kind'] {
  if (workflowId.startsWith('deploy/')) return 'change';
  if (workflowId.startsWith('remediate/') || workflowId.startsWith('cleanup/')) return 'remediation';
  if (workflowId.startsWith('security-scan/')) return 'scan';
  return 'other';
}

/** "42s", "7m", "3h", "2d". */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export function registerList(program: Command): void {
  const command = program
    .command('list')
    .description('the changes and remediations running now, with their phase and age (newest first)')
    .option('--service <name>', "only this service's")
    .option('--host <id>', "only this host's")
    .option('--kind <kind>', 'changes | remediations', oneOf('changes', 'remediations'))
    .option('-n, --limit <n>', 'at most this many', int, 50)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(
      async (o: {
        service?: string;
        host?: string;
        kind?: 'changes' | 'remediations';
        limit: number;
        json?: boolean;
      }) => {
        const query = listQuery(o);
        const config = loadConfig();
        const client = await connectClient(config);
        const items: RunningItem[] = [];
        const now = Date.now();
        for await (const w of client.workflow.list({ query })) {
          if (items.length >= o.limit) break;
          const sa = w.typedSearchAttributes;
          items.push({
            workflowId: w.workflowId,
            runId: w.runId,
            type: w.type,
            kind: kindOf(w.workflowId),
            service: sa.get(DockhandService) ?? null,
            host: sa.get(DockhandHost) ?? null,
            phase: sa.get(DockhandPhase) ?? null,
            startedAt: w.startTime.toISOString(),
            ageMs: now - w.startTime.getTime(),
            url: workflowUrl(config, w.workflowId),
          });
        }
        emit(o.json, items, () => table(items));
      },
    );
  examples(
    command,
    'dockhand list',
    'dockhand list --kind remediations --host vm-1',
    'dockhand list --json | jq .result',
  );
}

function table(items: RunningItem[]): string {
  if (!items.length) return 'nothing runs';
  const rows = [
    ['WORKFLOW', 'TYPE', 'PHASE', 'AGE'],
    ...items.map((i) => [i.workflowId, i.type, i.phase ?? '-', age(i.ageMs)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '))
    .join('\n');
}
