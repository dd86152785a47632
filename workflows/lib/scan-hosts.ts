import type { KnownHost } from '../../common/hosts/host-registry';

/** A host the scan covers; `down` says why it is not asked at all (the registry shows it silent). */
export interface ScanHost {
  host: string;
  down?: string;
}

/** The hosts a scan covers: the ones asked for, or — none asked — every host in the registry, the
 * silent ones marked down so the scan reports them without waiting on a queue no agent polls. */
export function scanHosts(requested: string[], known: KnownHost[] | undefined): ScanHost[] {
  if (requested.length) return requested.map((host) => ({ host }));
  return (known ?? []).map((k) =>
    k.status === 'up'
      ? { host: k.hostId }
      : {
          host: k.hostId,
          down: `host agent down: no heartbeat since ${k.lastSeen} (${Math.round(k.silentForMs / 1000)} s before this scan)`,
        },
  );
}
