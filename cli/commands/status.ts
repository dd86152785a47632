import type { Command } from 'commander';
import { recentChanges, type ChangeRecord } from '../../client/change-history';
import { connectClient } from '../../client/connection';
import { readServiceStatus } from '../../client/service-status';
import { loadConfig } from '../../common/config';
import { serviceHosts } from '../../common/service-file/resolve';
import { serviceChangeId } from '../../common/workflow-ids';
import { optionalServiceFile } from '../lib/service-file';

/** `dockhand status <service>`: what runs on each host, the change in progress, the last changes. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'what <service> runs on each host (image, color or replicas, health), the change running now, the last 3 changes',
    )
    .argument('<service>')
    .option(
      '--host <id>',
      'host to look at (default: the hosts the service file lists, else DOCKHAND_HOST_ID)',
      (v, all: string[] = []) => [...all, v],
    )
    .option('--json', 'print JSON')
    .action(async function (this: Command, service: string, o: { host?: string[]; json?: boolean }) {
      const config = loadConfig();
      const loaded = optionalServiceFile(this);
      const hosts = o.host ?? (loaded?.file.services[service] ? serviceHosts(loaded.file, service) : [config.hostId]);
      const client = await connectClient(config);
      const [live, changes] = await Promise.all([
        readServiceStatus(client, config, { service, hosts }),
        recentChanges(client, service, 4),
      ]);
      const running = changes.find((c) => c.outcome === 'running');
      const current = running
        ? await client.workflow
            .getHandle(serviceChangeId(service), running.runId)
            .query<{ phase?: string; details?: string; waitingFor?: string }>('status')
            .catch(() => undefined)
        : undefined;
      const last = changes.filter((c) => c.outcome !== 'running').slice(0, 3);
      if (o.json) {
        console.log(
          JSON.stringify({
            service,
            hosts: live.hosts,
            running: running ? { ...running, status: current } : undefined,
            last,
          }),
        );
        return;
      }
      const lines = [`${service}${loaded?.file.services[service] ? ` (${loaded.path})` : ''}`];
      for (const h of live.hosts) {
        if (h.error) lines.push(`  ${h.host}: ${h.error}`);
        else if (!h.containers?.length) lines.push(`  ${h.host}: nothing runs`);
        else {
          lines.push(`  ${h.host}:`);
          for (const c of h.containers)
            lines.push(
              `    ${c.name.padEnd(28)} ${c.image.padEnd(32)} ${c.running ? 'running' : 'stopped'}${c.health ? ` (${c.health})` : ''}${c.color ? ` [${c.color}]` : ''}`,
            );
        }
      }
      if (running) {
        const waiting =
          current?.waitingFor ||
          (current?.phase === 'awaiting-approval' ? 'an approval (dockhand approve|reject)' : '');
        lines.push(
          `  now: ${running.type} ${running.runId} — ${current?.phase ?? 'running'}${waiting ? `, waiting for ${waiting}` : ''}`,
        );
      } else lines.push('  now: no change running');
      if (last.length) lines.push('  last changes:');
      for (const c of last) lines.push(`    ${describeChange(c)}`);
      console.log(lines.join('\n'));
    });
}

function describeChange(c: ChangeRecord): string {
  const who = c.approval?.by
    ? `, approved by ${c.approval.by}`
    : c.approval?.outcome === 'skipped'
      ? ', no approval needed'
      : '';
  const why = c.failure ? ` — ${c.failure.split('\n')[0]!.slice(0, 160)}` : '';
  return `${c.closedAt ?? c.startedAt} ${c.type} ${c.outcome}${c.image ? ` ${c.image}` : ''}${who}${why}`;
}
