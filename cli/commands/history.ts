import type { Command } from 'commander';
import { recentChanges, type ChangeRecord } from '../../client/change-history';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';
import { serviceChangeId } from '../../common/workflow-ids';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { workflowUrl } from '../lib/links';
import { int } from '../lib/parsers';
import { age } from './list';

/** One line of `dockhand history`: a change with its outcome, image, approver, duration and link. */
interface HistoryEntry {
  runId: string;
  type: string;
  outcome: ChangeRecord['outcome'];
  image: string | null;
  approvedBy: string | null;
  approval: string | null;
  startedAt: string;
  durationMs: number | null;
  failure: string | null;
  url: string;
}

function historyEntry(c: ChangeRecord, url: string): HistoryEntry {
  return {
    runId: c.runId,
    type: c.type,
    outcome: c.outcome,
    image: c.image ?? null,
    approvedBy: c.approval?.by ?? null,
    approval: c.approval?.outcome ?? null,
    startedAt: c.startedAt,
    durationMs: c.closedAt ? Date.parse(c.closedAt) - Date.parse(c.startedAt) : null,
    failure: c.failure ? c.failure.split('\n')[0]!.slice(0, 200) : null,
    url,
  };
}

export function registerHistory(program: Command): void {
  const command = program
    .command('history')
    .description(
      'the last changes of <service> (runs of deploy/<service>): outcome, image, who approved, duration, link',
    )
    .argument('<service>')
    .option('-n, --last <n>', 'how many changes, newest first', int, 10)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async (service: string, o: { last: number; json?: boolean }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const workflowId = serviceChangeId(service);
      const changes = await recentChanges(client, service, o.last);
      const entries = changes.map((c) => historyEntry(c, workflowUrl(config, workflowId, c.runId)));
      emit(o.json, entries, () => table(service, entries), { workflowId, url: workflowUrl(config, workflowId) });
    });
  examples(command, 'dockhand history web', 'dockhand history web -n 3 --json');
}

function table(service: string, entries: HistoryEntry[]): string {
  if (!entries.length) return `no change of ${service} has run`;
  const rows = [
    ['STARTED', 'TYPE', 'OUTCOME', 'IMAGE', 'APPROVED BY', 'TOOK', 'LINK'],
    ...entries.map((e) => [
      e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      e.type,
      e.outcome,
      e.image ?? '-',
      e.approvedBy ?? (e.approval === 'skipped' ? '(not needed)' : '-'),
      e.durationMs === null ? 'running' : age(e.durationMs),
      e.url,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
  for (const [i, e] of entries.entries()) if (e.failure) lines[i + 1] += `\n    ${e.failure}`;
  return lines.join('\n');
}
