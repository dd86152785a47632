import type Docker from 'dockerode';
import { readContainerPath, statPath } from '../docker/container-paths';
import { toContainerView } from '../docker/container-view';
import { engineCall } from '../docker/engine-errors';
import { execRun } from '../docker/exec-run';
import { EDGE_SITE_PATH, markerOf, type EdgeColor } from './nginx-config';

/** `config` is the site config text (empty when the edge is missing or stopped); `upstreamHosts`
 * are the backends that serve now (for a blue-green config naming both colors: the live one's);
 * `colors` the colors a blue-green config declares (none for any other config); `hostPort` the host
 * port its port 80 is published on, when it runs (agents from before did not say). */
export interface EdgeState {
  exists: boolean;
  running: boolean;
  upstreamHosts: string[];
  colors: EdgeColor[];
  config: string;
  hostPort?: number;
}

/** The colors a blue-green config declares (its `dockhand_<service>_<color>` upstreams). Pure. */
export function declaredColorsOf(config: string): EdgeColor[] {
  if (!/\(blue-green[ )]/.test(config)) return [];
  return [...config.matchAll(/^upstream dockhand_\S+_(blue|green) \{$/gm)].map((m) => m[1] as EdgeColor).sort();
}

/** The backend host names of the `upstream` blocks in a site config Dockhand wrote. Pure. */
export function upstreamHostsOf(config: string): string[] {
  return [...config.matchAll(/^\s*server\s+([A-Za-z0-9][^\s:;{]*)(?::\d+)?[^;{]*;/gm)].map((m) => m[1]!);
}

/** The hosts a config sends requests to: those of the upstream its `proxy_pass` names — for a
 * blue-green config naming both colors, green's while the marker file exists, else blue's. A config
 * Dockhand did not write: every `server` it names. Pure. */
export function servingHostsOf(config: string, markerPresent: boolean): string[] {
  const blocks = new Map(
    [...config.matchAll(/^upstream (\S+) \{\n([\s\S]*?)^\}/gm)].map((m) => [m[1]!, upstreamHostsOf(m[2]!)]),
  );
  const target = /^\s*proxy_pass http:\/\/([^\s;]+);/m
    .exec(config)?.[1]
    ?.replace('$dockhand_live', markerPresent ? 'green' : 'blue');
  return (target && blocks.get(target)) || upstreamHostsOf(config);
}

export function createEdgeStateActivities(docker: Docker) {
  return {
    /** Whether the edge container exists and runs, its site config and the hosts it routes to now.
     * Read-only; starts no process in the edge (the Engine's archive API reads the config and stats
     * the marker), but for a config or marker that is a symlink, which only `cat`/`test -e` follow. */
    async readEdge({ edge }: { edge: string }): Promise<EdgeState> {
      const info = await engineCall(`inspect container ${edge}`, () => docker.getContainer(edge).inspect(), [404]);
      if (!info) return { exists: false, running: false, upstreamHosts: [], colors: [], config: '' };
      if (!info.State.Running) return { exists: true, running: false, upstreamHosts: [], colors: [], config: '' };
      const config = await readSite(docker, edge);
      const marker = markerOf(config);
      const markerPresent = marker !== undefined && (await pathExists(docker, edge, marker));
      const hostPort = toContainerView(info).ports.find((p) => p.container === 80)?.hostPort;
      return {
        exists: true,
        running: true,
        upstreamHosts: servingHostsOf(config, markerPresent),
        colors: declaredColorsOf(config),
        config,
        ...(hostPort ? { hostPort } : {}),
      };
    },
  };
}

const MAX_CONFIG_BYTES = 256 * 1024;

/** The site config's text ('' when there is none or it is no file; a symlink is followed by `cat`). */
async function readSite(docker: Docker, edge: string): Promise<string> {
  const entry = await readContainerPath(docker, edge, EDGE_SITE_PATH, MAX_CONFIG_BYTES);
  if (!entry) return '';
  if (entry.type === 'file') return entry.content.toString('utf8');
  const r = await execRun(docker, edge, ['/bin/busybox', 'cat', EDGE_SITE_PATH], { maxBytes: MAX_CONFIG_BYTES });
  return r.exitCode === 0 ? r.stdout : '';
}

/** As `test -e`: a symlink counts when its target exists. */
async function pathExists(docker: Docker, edge: string, path: string): Promise<boolean> {
  const stat = await statPath(docker, edge, path);
  if (!stat) return false;
  if (!stat.linkTarget) return true;
  return (await execRun(docker, edge, ['/bin/busybox', 'test', '-e', path])).exitCode === 0;
}
