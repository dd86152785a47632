import { readVariable } from '../config';

/**
 * The host registry: every host agent writes its id and a last-seen time into one Redis hash, so
 * "all known hosts" needs no configuration. A host that stops heartbeating stays known and shows as
 * down; it is never removed automatically (a host that is down is exactly what a report must show).
 */

/** DOCKHAND_HOST_REGISTRY names the registry (tests and benchmarks isolate themselves); default "default". */
export function hostRegistryName(env: NodeJS.ProcessEnv = process.env): string {
  return readVariable('DOCKHAND_HOST_REGISTRY', env);
}

/** Redis hash of the registry: field = host id, value = a HostRecord as JSON. */
export function hostRegistryKey(registry: string): string {
  return `dockhand:hosts:${registry}`;
}

/** The registry hash expires after a week without any heartbeat into it (a test's or a retired
 * fleet's registry goes away by itself; a live fleet keeps refreshing it). */
export const REGISTRY_IDLE_EXPIRY_MS = 7 * 24 * 3600_000;

/** A host is down after this many heartbeats missed in a row (one late write is not an outage). */
const MISSED_HEARTBEATS_DOWN = 3;

/** What a host agent writes. It carries its own heartbeat interval, so readers judge liveness by the
 * writer's pace, not by a setting of their own. */
export interface HostRecord {
  hostId: string;
  /** ISO time of the last heartbeat. */
  lastSeen: string;
  /** ISO time the agent process started. */
  startedAt: string;
  heartbeatMs: number;
}

/** A registered host as scans and `dockhand hosts` see it. */
export interface KnownHost extends HostRecord {
  status: 'up' | 'down';
  /** Milliseconds since the last heartbeat, when the registry was read. */
  silentForMs: number;
}

/** Up while the last heartbeat is younger than MISSED_HEARTBEATS_DOWN intervals. Sorted by host id. */
export function knownHosts(records: HostRecord[], nowMs: number): KnownHost[] {
  return records
    .map((r) => {
      const silentForMs = Math.max(0, nowMs - Date.parse(r.lastSeen));
      return {
        ...r,
        silentForMs,
        status: silentForMs < MISSED_HEARTBEATS_DOWN * r.heartbeatMs ? ('up' as const) : ('down' as const),
      };
    })
    .sort((a, b) => a.hostId.localeCompare(b.hostId));
}

/** Parses the hash's values; a field that is not a HostRecord (a foreign write) is skipped. */
export function parseHostRecords(hash: Record<string, string>): HostRecord[] {
  const out: HostRecord[] = [];
  for (const [hostId, json] of Object.entries(hash)) {
    try {
      const r = JSON.parse(json) as Partial<HostRecord>;
      if (
        r.hostId === hostId &&
        typeof r.lastSeen === 'string' &&
        !Number.isNaN(Date.parse(r.lastSeen)) &&
        typeof r.heartbeatMs === 'number' &&
        typeof r.startedAt === 'string'
      )
        out.push(r as HostRecord);
    } catch {
      // not JSON: skipped
    }
  }
  return out;
}
