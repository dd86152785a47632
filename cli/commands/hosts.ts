import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { forgetHost, readKnownHosts } from '../../activities/hosts/host-registry';
import { loadConfig } from '../../common/config';
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
  program
    .command('hosts')
    .description(
      'list the host agents in the host registry (the hosts a scan covers by default), or forget a retired one',
    )
    .argument('[action]', 'forget (none: list)')
    .argument('[hostId]', 'the host to forget')
    .option('--json', 'print the hosts as JSON')
    .action(async (action: string | undefined, hostId: string | undefined, o: { json?: boolean }) => {
      const config = loadConfig();
      const registry = hostRegistryName();
      const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
      try {
        if (action === 'forget') {
          if (!hostId) throw new Error('hosts forget: name the host id to forget');
          console.log(
            (await forgetHost(redis, registry, hostId))
              ? `forgot ${hostId}`
              : `${hostId} was not in registry "${registry}"`,
          );
          return;
        }
        if (action !== undefined) throw new Error(`unknown hosts action "${action}" (use forget, or nothing to list)`);
        const hosts = await readKnownHosts(redis, registry);
        if (o.json) console.log(JSON.stringify(hosts));
        else if (!hosts.length) console.log(`no host agent has registered in registry "${registry}" yet`);
        else for (const line of formatHosts(hosts)) console.log(line);
      } finally {
        redis.disconnect();
      }
    });
}
