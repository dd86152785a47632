import type Docker from 'dockerode';
import { ErrorType, failure } from '../../common/errors';
import { execRun } from '../docker/exec-run';
import { EDGE_SITE_PATH, generationOf, renderSiteConfig, type Upstream } from './nginx-config';

export interface ConfigureEdgeInput { edge: string; service: string; upstreams: Upstream[] }
export interface ConfigureEdgeResult { changed: boolean; previousConfig: string }
export interface ProbeEdgeInput { edge: string; path: string; timeoutMs?: number }
export interface ProbeEdgeResult { ok: boolean; status: string; body: string }

export function createEdgeActivities(docker: Docker) {
  return {
    /** Points the edge at `upstreams`: writes the site config, `nginx -t`, then a graceful reload.
     * A config nginx refuses is put back and the failure names nginx's complaint. Twice: the second
     * run finds the config in place and changes nothing. */
    async configureEdge({ edge, service, upstreams }: ConfigureEdgeInput): Promise<ConfigureEdgeResult> {
      const wanted = renderSiteConfig(service, upstreams);
      const previous = await readSite(docker, edge);
      if (previous === wanted) return { changed: false, previousConfig: previous };
      await writeSite(docker, edge, wanted);
      const test = await execRun(docker, edge, ['/usr/sbin/nginx', '-t', '-q']);
      if (test.exitCode !== 0) {
        await writeSite(docker, edge, previous);
        throw failure(ErrorType.BadSpec, `nginx refused the config for ${service} (restored the previous one): ${test.stderr.trim()}`);
      }
      await reload(docker, edge, previous, wanted);
      return { changed: true, previousConfig: previous };
    },

    /** Puts back a config text saved by configureEdge (compensation). Twice: same text, no change. */
    async restoreEdge({ edge, config }: { edge: string; config: string }): Promise<{ changed: boolean }> {
      const current = await readSite(docker, edge);
      if (current === config) return { changed: false };
      await writeSite(docker, edge, config);
      await reload(docker, edge, current, config);
      return { changed: true };
    },

    /** GET through the edge from inside it (no published port needed). Read-only. */
    async probeEdge({ edge, path, timeoutMs = 3000 }: ProbeEdgeInput): Promise<ProbeEdgeResult> {
      // busybox `timeout`, not `wget -T`: the static busybox's wget -T crashes (SIGSEGV) in this image.
      const secs = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
      const r = await execRun(docker, edge, ['/bin/busybox', 'timeout', secs, '/bin/busybox', 'wget', '-q', '-O', '-', `http://127.0.0.1${path}`]);
      return { ok: r.exitCode === 0, status: r.exitCode === 0 ? '2xx' : r.stderr.trim() || `wget exit ${r.exitCode}`, body: r.stdout.slice(0, 4096) };
    },
  };
}

const RELOAD_DEADLINE_MS = 10_000;

/** Graceful reload, then waits until the workers serve the new config: `nginx -s reload` only signals
 * the master, and a probe right after it may still reach the old workers. */
async function reload(docker: Docker, edge: string, from: string, to: string): Promise<void> {
  const r = await execRun(docker, edge, ['/usr/sbin/nginx', '-s', 'reload']);
  if (r.exitCode !== 0) throw new Error(`nginx reload in ${edge} failed: ${r.stderr.trim()}`);
  const [oldGen, newGen] = [generationOf(from), generationOf(to)];
  const deadline = Date.now() + RELOAD_DEADLINE_MS;
  for (;;) {
    const probe = await execRun(docker, edge, ['/bin/busybox', 'timeout', '2', '/bin/busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1/__edge/generation']);
    const served = probe.exitCode === 0 ? probe.stdout.trim() : undefined;
    if (newGen ? served === newGen : served !== oldGen) return;
    if (Date.now() > deadline) throw new Error(`nginx in ${edge} still serves generation ${served ?? 'none'} ${RELOAD_DEADLINE_MS / 1000}s after reload`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function readSite(docker: Docker, edge: string): Promise<string> {
  const r = await execRun(docker, edge, ['/bin/busybox', 'cat', EDGE_SITE_PATH], { maxBytes: 256 * 1024 });
  if (r.exitCode !== 0) throw failure(ErrorType.NotFound, `cannot read ${EDGE_SITE_PATH} in ${edge}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Writes through a temp file and a rename so nginx never reads half a file. */
async function writeSite(docker: Docker, edge: string, text: string): Promise<void> {
  const tmp = `${EDGE_SITE_PATH}.dockhand-tmp`;
  const r = await execRun(docker, edge, ['/bin/busybox', 'sh', '-c', `cat > ${tmp} && mv ${tmp} ${EDGE_SITE_PATH}`], { stdin: text });
  if (r.exitCode !== 0) throw new Error(`writing ${EDGE_SITE_PATH} in ${edge} failed: ${r.stderr.trim()}`);
}
