import type { Command } from 'commander';
import { recentChanges, type ChangeRecord } from '../../client/change-history';
import { connectClient } from '../../client/connection';
import { pendingRepairs, type PendingRepair } from '../../client/pending-repairs';
import { readServiceStatus } from '../../client/service-status';
import { loadConfig } from '../../common/config';
import { serviceHosts } from '../../common/service-file/resolve';
import { serviceChangeId } from '../../common/workflow-ids';
import type { Client } from '@temporalio/client';
import { serviceFilePath, type LoadedServiceFile } from '../../client/service-file';
import type { DockhandConfig } from '../../common/config';
import type { ServiceStatusResult } from '../../common/service-status';
import { parseDurationMs } from '../../common/spec/units';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { UsageError } from '../lib/exit-codes';
import { followChange, outcomeWord, reportEnd } from '../lib/follow-change';
import { workflowUrl } from '../lib/links';
import { duration } from '../lib/parsers';
import { Progress } from '../lib/progress';
import { configFlag, optionalServiceFile } from '../lib/service-file';

/** `dockhand status [<service>]`: what runs on each host, the change in progress and what it waits
 * on, the last changes; `--follow` attaches to the running change (the way back after Ctrl-C). */
export function registerStatus(program: Command): void {
  const command = program
    .command('status')
    .description(
      'what <service> runs on each host (image, color or replicas, health), the change running now and what it waits on, the last 3 changes (no <service>: every service of the service file)',
    )
    .argument('[service]')
    .option(
      '--host <id>',
      'host to look at (default: the hosts the service file lists, else DOCKHAND_HOST_ID)',
      (v, all: string[] = []) => [...all, v],
    )
    .option('-f, --follow', "follow the running change until it ends (its phases, then its outcome's exit code)")
    .option('--timeout <duration>', 'with --follow: stop following after this long (exit 5)', duration)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async function (
      this: Command,
      service: string | undefined,
      o: { host?: string[]; follow?: boolean; timeout?: string; json?: boolean },
    ) {
      const config = loadConfig();
      const loaded = optionalServiceFile(this);
      const services = service ? [service] : Object.keys(loaded?.file.services ?? {});
      if (!services.length)
        throw new UsageError(
          `name a service: there is no service file (${serviceFilePath(configFlag(this))}) to list them from; "dockhand list" shows what runs`,
        );
      if (o.follow && services.length !== 1) throw new UsageError('--follow: name the service to follow');
      const client = await connectClient(config);
      const reports: ServiceReport[] = [];
      for (const s of services) {
        const hosts = o.host ?? (loaded?.file.services[s] ? serviceHosts(loaded.file, s) : [config.hostId]);
        reports.push(await serviceReport(client, config, s, hosts));
      }
      const one = services.length === 1 ? reports[0]! : undefined;
      const target = one
        ? { workflowId: serviceChangeId(one.service), url: workflowUrl(config, serviceChangeId(one.service)) }
        : {};
      if (!o.follow || !one?.running) {
        if (o.follow && !o.json) console.error(`no change of ${one!.service} is running; nothing to follow`);
        return emit(o.json, one ?? reports, () => reports.map((r) => text(r, loaded)).join('\n'), target);
      }
      if (!o.json) console.log(text(one, loaded));
      const handle = client.workflow.getHandle(serviceChangeId(one.service), one.running.runId);
      const end = await followChange(handle, {
        kind:
          one.running.type === 'blueGreenDeploy'
            ? 'blue-green'
            : one.running.type === 'rollingUpdate'
              ? 'rolling'
              : 'phase',
        progress: o.json ? undefined : new Progress(),
        timeoutMs: o.timeout === undefined ? undefined : parseDurationMs(o.timeout),
        reattach: `dockhand status ${one.service} --follow`,
        url: target.url!,
      });
      reportEnd(end, {
        json: o.json,
        url: target.url!,
        extra: { service: one.service },
        human: () => `${end.workflowId} ${outcomeWord(end)}`,
      });
    });
  examples(command, 'dockhand status web', 'dockhand status web --follow', 'dockhand status --json');
}

interface ServiceReport {
  service: string;
  hosts: ServiceStatusResult['hosts'];
  running?: ChangeRecord & {
    progress?: { phase?: string; details?: string; waitingFor?: string };
    waitingFor?: string;
  };
  last: ChangeRecord[];
  /** Hosts a fleet deploy left behind, each with the repair that waits for its agent. */
  repairs: PendingRepair[];
}

async function serviceReport(
  client: Client,
  config: DockhandConfig,
  service: string,
  hosts: string[],
): Promise<ServiceReport> {
  const [live, changes, repairs] = await Promise.all([
    readServiceStatus(client, config, { service, hosts }),
    recentChanges(client, service, 4),
    pendingRepairs(client, service),
  ]);
  const running = changes.find((c) => c.outcome === 'running');
  const current = running
    ? await client.workflow
        .getHandle(serviceChangeId(service), running.runId)
        .query<{ phase?: string; details?: string; waitingFor?: string }>('status')
        .catch(() => undefined)
    : undefined;
  const waitingFor =
    current?.waitingFor ||
    (current?.phase === 'awaiting-approval' ? 'an approval (dockhand approve|reject)' : undefined);
  return {
    service,
    hosts: live.hosts,
    ...(running ? { running: { ...running, progress: current, ...(waitingFor ? { waitingFor } : {}) } } : {}),
    last: changes.filter((c) => c.outcome !== 'running').slice(0, 3),
    repairs,
  };
}

function text(r: ServiceReport, loaded: LoadedServiceFile | undefined): string {
  const lines = [`${r.service}${loaded?.file.services[r.service] ? ` (${loaded.path})` : ''}`];
  for (const h of r.hosts) {
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
  if (r.running)
    lines.push(
      `  now: ${r.running.type} ${r.running.runId} — ${r.running.progress?.phase ?? 'running'}${r.running.waitingFor ? `, waiting for ${r.running.waitingFor}` : ''}`,
    );
  else lines.push('  now: no change running');
  for (const p of r.repairs)
    lines.push(
      `  repair pending: ${p.host} is not as before until its agent returns — ${p.workflowId} (since ${p.startedAt})`,
    );
  if (r.last.length) lines.push('  last changes:');
  for (const c of r.last) lines.push(`    ${describeChange(c)}`);
  return lines.join('\n');
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
