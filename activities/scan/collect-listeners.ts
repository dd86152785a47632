import { readFile } from 'node:fs/promises';
import type { Listener } from './scan-data';

const LISTEN = '0A';

/** Listening TCP sockets from the text of /proc/net/tcp or /proc/net/tcp6. */
export function parseProcNetTcp(text: string, proto: 'tcp' | 'tcp6'): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== LISTEN) continue;
    const [addrHex, portHex] = f[1]!.split(':');
    out.push({ proto, address: proto === 'tcp' ? ipv4(addrHex!) : ipv6(addrHex!), port: parseInt(portHex!, 16) });
  }
  return out;
}

/** /proc/net/tcp stores IPv4 addresses as one little-endian 32-bit word. */
function ipv4(hex: string): string {
  const bytes = hex
    .match(/../g)!
    .map((b) => parseInt(b, 16))
    .reverse();
  return bytes.join('.');
}

/** IPv6: four little-endian 32-bit words. */
function ipv6(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().join(''));
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map((g) => g.replace(/^0{1,3}/, ''));
  return groups
    .join(':')
    .replace(/(^|:)0(:0)+(:|$)/, '::')
    .replace(/:{3,}/, '::');
}

/**
 * Reads the container's network namespace tables through the host's /proc/<pid>/net — no exec, so it
 * works without a shell; it needs the agent on the engine's host in the host PID namespace. The pid's
 * cgroup must name the container, so a reused pid or a foreign /proc is never read by mistake.
 */
export async function readListeners(
  pid: number,
  containerId: string,
  procRoot = '/proc',
): Promise<Listener[] | string> {
  if (!pid) return 'the container has no running process';
  const cgroup = await readFile(`${procRoot}/${pid}/cgroup`, 'utf8').catch(() => '');
  if (!cgroup.includes(containerId))
    return 'the host agent cannot see the container’s processes (remote engine, or not in the host PID namespace)';
  const [tcp, tcp6] = await Promise.all([
    readFile(`${procRoot}/${pid}/net/tcp`, 'utf8').catch(() => ''),
    readFile(`${procRoot}/${pid}/net/tcp6`, 'utf8').catch(() => ''),
  ]);
  return [...parseProcNetTcp(tcp, 'tcp'), ...parseProcNetTcp(tcp6, 'tcp6')];
}
