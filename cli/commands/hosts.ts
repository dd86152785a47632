import type { Command } from 'commander';
import { forgetHost, readKnownHosts } from '../../activities/hosts/host-registry';
import { loadConfig } from '../../common/config';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { UsageError } from '../lib/exit-codes';
import { oneOf } from '../lib/parsers';
import { connectRedis, redisDown } from '../lib/redis';
import { hostRegistryName, type KnownHost } from '../../common/hosts/host-registry';

/** One line per host: id, up/down, how long since its last heartbeat, when its agent started. */
export function formatHosts(hosts: KnownHost[]): string[] {
  const width = Math.max(4, ...hosts.map((h) => h.hostId.length));
  return [
    `${'HOST'.padEnd(width)}  STATUS  LAST SEEN                  AGO      AGENT STARTED`,
    ...hosts.map(
      (h) =>
        `${h.hostId.padEnd(width)}  ${h.status.padEnd(6)}  ${h.lastSeen.padEnd(24)}  ${`${Math.round(h.silentForMs / 1000)}s`.padEnd(7)}  ${h.startedAt}`,
    ),
  ];
}

export function registerHosts(program: Command): void {
  const command = program
    .command('hosts')
    .description(
      'list the host agents in the host registry (the hosts a scan covers by default), or forget a retired one',
    )
    .argument('[action]', 'forget (none: list)', oneOf('forget'))
    .argument('[hostId]', 'the host to forget')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async (action: 'forget' | undefined, hostId: string | undefined, o: { json?: boolean }) => {
      if (action === 'forget' && !hostId) throw new UsageError('hosts forget: name the host id to forget');
      if (action === undefined && hostId) throw new UsageError(`hosts: "${hostId}" without an action (use forget)`);
      const config = loadConfig();
      const registry = hostRegistryName();
      const redis = await connectRedis(config.redisUrl);
      try {
        if (action === 'forget') {
          const forgot = await forgetHost(redis, registry, hostId!);
          return emit(
            o.json,
            { forgot, hostId, registry },
            forgot ? `forgot ${hostId}` : `${hostId} was not in registry "${registry}"`,
          );
        }
        const hosts = await readKnownHosts(redis, registry);
        emit(o.json, hosts, () =>
          hosts.length ? formatHosts(hosts).join('\n') : `no host agent has registered in registry "${registry}" yet`,
        );
      } catch (e) {
        throw e instanceof Error && /ECONNREFUSED|max retries|Connection is closed/i.test(e.message)
          ? redisDown(config.redisUrl, e)
          : e;
      } finally {
        redis.disconnect();
      }
    });
  examples(command, 'dockhand hosts', 'dockhand hosts forget vm-old');
}
