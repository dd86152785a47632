import type { HostScan } from './scan-result';

/** The most a staged part of a scan report carries: well under Temporal's 2 MiB payload limit, so a
 * fleet of any size reaches the report store in bounded steps (review M8). */
export const MAX_PART_BYTES = 512 * 1024;

/**
 * Cuts the hosts' scan results into parts of at most `maxBytes` of JSON each (a host with many
 * containers spans several parts, each naming its host; an unreachable host is a part of its own
 * with no containers). One container larger than `maxBytes` alone is a part by itself — its evidence
 * is capped where it is made. Pure: the workflow calls it, so the same results cut the same way.
 */
export function reportParts(hosts: HostScan[], maxBytes = MAX_PART_BYTES): HostScan[][] {
  const parts: HostScan[][] = [];
  let part: HostScan[] = [];
  let size = 0;
  const flush = () => {
    if (part.length) parts.push(part);
    part = [];
    size = 0;
  };
  for (const h of hosts) {
    const head = { ...h, containers: [] };
    const headSize = JSON.stringify(head).length;
    if (size + headSize > maxBytes) flush();
    let current: HostScan = head;
    part.push(current);
    size += headSize;
    for (const c of h.containers) {
      const cSize = JSON.stringify(c).length + 1;
      if (size + cSize > maxBytes && current.containers.length > 0) {
        flush();
        current = { ...h, containers: [] };
        part.push(current);
        size = headSize;
      }
      current.containers.push(c);
      size += cSize;
    }
  }
  flush();
  return parts;
}

/** The hosts again from their parts, in order (a host split across parts is joined). */
export function joinParts(parts: HostScan[][]): HostScan[] {
  const hosts: HostScan[] = [];
  for (const h of parts.flat()) {
    const last = hosts[hosts.length - 1];
    if (last && last.host === h.host) last.containers.push(...h.containers);
    else hosts.push({ ...h, containers: [...h.containers] });
  }
  return hosts;
}
