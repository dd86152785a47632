import type Docker from 'dockerode';
import { engineCall } from '../docker/engine-errors';
import { execRun } from '../docker/exec-run';
import { EDGE_SITE_PATH } from './nginx-config';

/** `config` is the site config text (empty when the edge is missing or stopped). */
export interface EdgeState { exists: boolean; running: boolean; upstreamHosts: string[]; config: string }

/** The backend host names of the `upstream` blocks in a site config Dockhand wrote. Pure. */
export function upstreamHostsOf(config: string): string[] {
  return [...config.matchAll(/^\s*server\s+([A-Za-z0-9][^\s:;{]*)(?::\d+)?[^;{]*;/gm)].map((m) => m[1]!);
}

export function createEdgeStateActivities(docker: Docker) {
  return {
    /** Whether the edge container exists and runs, its site config and the hosts it routes to.
     * Read-only. */
    async readEdge({ edge }: { edge: string }): Promise<EdgeState> {
      const info = await engineCall(`inspect container ${edge}`, () => docker.getContainer(edge).inspect(), [404]);
      if (!info) return { exists: false, running: false, upstreamHosts: [], config: '' };
      if (!info.State.Running) return { exists: true, running: false, upstreamHosts: [], config: '' };
      const r = await execRun(docker, edge, ['/bin/busybox', 'cat', EDGE_SITE_PATH], { maxBytes: 256 * 1024 });
      const config = r.exitCode === 0 ? r.stdout : '';
      return { exists: true, running: true, upstreamHosts: upstreamHostsOf(config), config };
    },
  };
}
