import type Docker from 'dockerode';
import { Labels } from '../../common/labels';
import { EDGE_SITE_PATH } from '../../activities/traffic/nginx-config';

/** A container as the invariants compare it. */
export interface Seen {
  id: string;
  name: string;
  state: string;
  startedAt: string;
  health?: string;
  image: string;
  labels: Record<string, string>;
}

export async function allContainers(docker: Docker): Promise<Seen[]> {
  const list = await docker.listContainers({ all: true });
  return Promise.all(
    list.map(async (c) => {
      const info = await docker
        .getContainer(c.Id)
        .inspect()
        .catch(() => undefined);
      return {
        id: c.Id,
        name: c.Names[0]!.slice(1),
        state: c.State,
        startedAt: info?.State.StartedAt ?? '',
        health: info?.State.Health?.Status,
        image: c.Image,
        labels: c.Labels ?? {},
      };
    }),
  );
}

/** Dockhand's own (both labels; see OWNED_CONTAINER_LABELS). */
export function owned(c: Seen): boolean {
  return c.labels[Labels.managed] === 'true' && c.labels[Labels.specHash] !== undefined;
}

/** Runs a command in a container and returns its stdout (Docker's multiplexed stream decoded). */
async function execOut(docker: Docker, container: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  const raw = Buffer.concat(chunks);
  let out = '';
  for (let i = 0; i + 8 <= raw.length;) {
    const len = raw.readUInt32BE(i + 4);
    if (raw[i] === 1) out += raw.subarray(i + 8, i + 8 + len).toString();
    i += 8 + len;
  }
  return out;
}

/** The upstream servers (host names) the edge's loaded site config names, and for blue-green the live color. */
export async function edgeRoutes(
  docker: Docker,
  edge: string,
): Promise<{ servers: Map<string, string[]>; text: string }> {
  const text = await execOut(docker, edge, ['/bin/cat', EDGE_SITE_PATH]).catch(() => '');
  const servers = new Map<string, string[]>();
  let current = '';
  for (const line of text.split('\n')) {
    const up = /^\s*upstream\s+(\S+)\s*\{/.exec(line);
    if (up) current = up[1]!;
    const s = /^\s*server\s+([^:\s]+):\d+/.exec(line);
    if (s && current) servers.set(current, [...(servers.get(current) ?? []), s[1]!]);
  }
  return { servers, text };
}

/** The host port the edge publishes its :80 on. */
export async function edgePort(docker: Docker, edge: string): Promise<number | undefined> {
  const info = await docker
    .getContainer(edge)
    .inspect()
    .catch(() => undefined);
  const port = info?.NetworkSettings.Ports?.['80/tcp']?.[0]?.HostPort;
  return port ? Number(port) : undefined;
}

/** Force-removes the containers one by one; one already gone is fine (a round cleans up after itself and a
 * remediation may have removed it first). */
export async function removeContainers(docker: Docker, ids: string[]): Promise<void> {
  for (const id of ids)
    await docker
      .getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
}
