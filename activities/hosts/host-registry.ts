import type { Redis } from 'ioredis';
import { hostRegistryKey, knownHosts, parseHostRecords, type KnownHost } from '../../common/hosts/host-registry';

/** Reads the registry: every host agent that ever registered, with its liveness now. */
export async function readKnownHosts(redis: Redis, registry: string, nowMs = Date.now()): Promise<KnownHost[]> {
  return knownHosts(parseHostRecords(await redis.hgetall(hostRegistryKey(registry))), nowMs);
}

/** Removes a retired host from the registry (it stays known, and down, until forgotten). Returns
 * whether it was there. Twice: the second finds nothing to remove. */
export async function forgetHost(redis: Redis, registry: string, hostId: string): Promise<boolean> {
  return (await redis.hdel(hostRegistryKey(registry), hostId)) > 0;
}

/** Activities the orchestrator runs on the host registry (Redis; no Docker host needed). */
export function createHostRegistryActivities(redis: Redis, registry: string) {
  return {
    /** The registered hosts and whether each is up. Read-only: running it twice reads again. */
    async listKnownHosts(): Promise<KnownHost[]> {
      return readKnownHosts(redis, registry);
    },
  };
}
export type HostRegistryActivities = ReturnType<typeof createHostRegistryActivities>;
