import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { readServiceLogs } from '../../client/service-logs';
import { loadConfig } from '../../common/config';
import { serviceHosts } from '../../common/service-file/resolve';
import type { ServiceLogsResult } from '../../common/service-logs';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { intBetween } from '../lib/parsers';
import { optionalServiceFile } from '../lib/service-file';

/** The most lines `--tail` may ask for per container (the bytes are bounded too). */
const MAX_TAIL = 10_000;

/** `dockhand logs <service>`: the newest log lines of the service's containers on each of its hosts. */
export function registerLogs(program: Command): void {
  const command = program
    .command('logs')
    .description(
      "the newest log lines of <service>'s containers on every host it runs on (both colors or all replicas)",
    )
    .argument('<service>')
    .option('-n, --tail <lines>', `lines per container (at most ${MAX_TAIL})`, intBetween(1, MAX_TAIL), 100)
    .option(
      '--host <id>',
      "only this host, repeatable (default: the service file's hosts, else DOCKHAND_HOST_ID)",
      (v, all: string[] = []) => [...all, v],
    )
    .option('--edge', "also the edge's logs (its access log)")
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async function (
      this: Command,
      service: string,
      o: { tail: number; host?: string[]; edge?: boolean; json?: boolean },
    ) {
      const config = loadConfig();
      const loaded = optionalServiceFile(this);
      const hosts = o.host ?? (loaded?.file.services[service] ? serviceHosts(loaded.file, service) : [config.hostId]);
      const client = await connectClient(config);
      const result = await readServiceLogs(client, config, {
        service,
        hosts,
        tail: o.tail,
        includeEdge: o.edge ?? false,
      });
      emit(o.json, result, () => text(result));
    });
  examples(command, 'dockhand logs web', 'dockhand logs web -n 20 --host vm-2', 'dockhand logs web --edge');
}

/** Each line prefixed with host and container, as `docker compose logs` prefixes the service. */
function text(r: ServiceLogsResult): string {
  const out: string[] = [];
  for (const h of r.hosts) {
    if (h.error) out.push(`${h.host}: ${h.error}`);
    else if (!h.containers?.length) out.push(`${h.host}: no container of ${r.service}`);
    for (const c of h.containers ?? []) {
      const prefix = `${h.host}/${c.name} |`;
      if (c.error) out.push(`${prefix} (no logs: ${c.error})`);
      // Timestamps lead each line (RFC 3339, fixed width): sorting merges stdout and stderr in order.
      const lines = [
        ...c.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => ({ l, tag: '' })),
        ...c.stderr
          .split('\n')
          .filter(Boolean)
          .map((l) => ({ l, tag: ' stderr' })),
      ].sort((a, b) => a.l.localeCompare(b.l));
      for (const { l, tag } of lines) out.push(`${prefix}${tag} ${l}`);
      if (c.truncated) out.push(`${prefix} (older output cut)`);
    }
  }
  return out.join('\n');
}
