import type Docker from 'dockerode';
import { EDGE_EXEC_TIMEOUT_MS, EDGE_LOCK_WAIT_S } from '../../common/edge-timing';
import { ErrorType, failure } from '../../common/errors';
import { execRun } from '../docker/exec-run';
import { APPLY_SITE_SCRIPT, SWITCH_COLOR_SCRIPT } from './edge-scripts';
import {
  colorUpstreamName,
  EDGE_SITE_PATH,
  generationOf,
  liveMarkerPath,
  renderColorSiteConfig,
  renderSiteConfig,
  type EdgeColor,
  type Upstream,
} from './nginx-config';

export interface ConfigureEdgeInput {
  edge: string;
  service: string;
  upstreams: Upstream[];
}
export interface ConfigureEdgeResult {
  changed: boolean;
  previousConfig: string;
  /** Every nginx worker that ran before the change is gone: nothing routes by an older config any
   * more (no waitEdgeDrained needed). False when unchanged (an earlier attempt's workers may remain). */
  drained: boolean;
}
export interface ConfigureEdgeColorsInput {
  edge: string;
  service: string;
  /** The colors the config declares, each as `<service>-<color>:<port>`. */
  colors: EdgeColor[];
  port: number;
  /** The color that serves (the marker file is set to it before the config is loaded). */
  live: EdgeColor;
}
export interface SwitchEdgeColorInput {
  edge: string;
  service: string;
  live: EdgeColor;
  /** GET this path through the edge right after the switch, in the same exec (the result's `probe`). */
  verifyPath?: string;
}
export interface SwitchEdgeColorResult {
  changed: boolean;
  /** When the marker was in place (host clock, epoch ms). */ at: number;
  /** With `verifyPath`: what the edge answered on it just after the switch (as probeEdge reports). */
  probe?: ProbeEdgeResult;
}
export interface ProbeEdgeInput {
  edge: string;
  path: string;
  timeoutMs?: number;
}
export interface ProbeEdgeResult {
  ok: boolean;
  status: string;
  body: string;
}

/** How long a config change waits for the old workers to finish their requests and exit (best
 * effort: past it they no longer accept, they only finish what they hold). */
const COLOR_DRAIN_MS = 5000;

/** How long a GET through the edge (probeEdge, a switch's check) waits for the answer. */
const PROBE_TIMEOUT_S = 3;

export function createEdgeActivities(docker: Docker) {
  return {
    /** Points the edge at `upstreams` in one exec: writes the site config, `nginx -t`, a graceful
     * reload, and waits until a new worker serves it and every old worker has stopped accepting. A
     * config nginx refuses is put back and the failure names nginx's complaint. Twice: the second run
     * finds the config in place and served, and changes nothing. */
    async configureEdge({ edge, service, upstreams }: ConfigureEdgeInput): Promise<ConfigureEdgeResult> {
      // Settles once the old workers quit (~100 ms after the new ones start), not merely once a new
      // one answers: a replica that left the edge then gets no new request before it is stopped.
      return applySite(docker, edge, renderSiteConfig(service, upstreams), {
        what: `the config for ${service}`,
        settle: 'quit',
      });
    },

    /** The blue-green config: declares `colors` and routes to `live` (marker first, then config, in
     * one exec; waits until the old workers are gone, so none still routes by the config before).
     * Declaring or dropping the color that does not serve changes no route. Twice: nothing changes. */
    async configureEdgeColors({
      edge,
      service,
      colors,
      port,
      live,
    }: ConfigureEdgeColorsInput): Promise<ConfigureEdgeResult> {
      const text = renderColorSiteConfig(
        service,
        colors.map((color) => ({ color, upstream: { host: `${service}-${color}`, port } })),
      );
      return applySite(docker, edge, text, {
        what: `the ${colors.join(' + ')} config for ${service}`,
        marker: liveMarker(service, live),
        drainMs: COLOR_DRAIN_MS,
      });
    },

    /** Makes `live` the serving color: one atomic file creation or removal inside the edge, no
     * reload; from the next request on, every worker sends to `live`. With `verifyPath`, GETs it
     * through the edge in the same exec (one Engine round trip, not two). Refused (BadSpec) when the
     * config does not declare that color. Twice: the marker is in place, nothing changes. */
    async switchEdgeColor({ edge, service, live, verifyPath }: SwitchEdgeColorInput): Promise<SwitchEdgeColorResult> {
      const { path, state } = liveMarker(service, live);
      const r = await execRun(docker, edge, [
        '/bin/busybox',
        'sh',
        '-c',
        SWITCH_COLOR_SCRIPT,
        'sh',
        EDGE_SITE_PATH,
        path,
        state,
        colorUpstreamName(service, live),
        ...(verifyPath ? [verifyPath, String(PROBE_TIMEOUT_S)] : []),
      ]);
      const at = Date.now();
      if (r.exitCode === 3) throw failure(ErrorType.BadSpec, `cannot switch ${edge} to ${live}: ${r.stderr.trim()}`);
      if (r.exitCode !== 0)
        throw new Error(`switching ${edge} to ${live} failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
      const [status = '', probeLine, ...body] = r.stdout.split('\n');
      const result: SwitchEdgeColorResult = { changed: status === 'changed', at };
      if (!verifyPath) return result;
      const wgetExit = Number(probeLine?.match(/^probe (\d+)$/)?.[1] ?? NaN);
      if (Number.isNaN(wgetExit))
        throw new Error(`switching ${edge} to ${live}: unexpected output ${r.stdout.slice(0, 200)}`);
      return { ...result, probe: probeAnswer(wgetExit, r.stderr, body.join('\n')) };
    },

    /** Puts back a config text saved by configureEdge (compensation). Twice: same text, no change. */
    async restoreEdge({ edge, config }: { edge: string; config: string }): Promise<{ changed: boolean }> {
      const { changed } = await applySite(docker, edge, config, { what: 'the previous config' });
      return { changed };
    },

    /** GET through the edge from inside it (no published port needed). Read-only. */
    async probeEdge({ edge, path, timeoutMs = PROBE_TIMEOUT_S * 1000 }: ProbeEdgeInput): Promise<ProbeEdgeResult> {
      // busybox `timeout`, not `wget -T`: the static busybox's wget -T crashes (SIGSEGV) in this image.
      const secs = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
      const r = await execRun(docker, edge, [
        '/bin/busybox',
        'timeout',
        secs,
        '/bin/busybox',
        'wget',
        '-q',
        '-O',
        '-',
        `http://127.0.0.1${path}`,
      ]);
      return probeAnswer(r.exitCode, r.stderr, r.stdout);
    },
  };
}

/** What a GET through the edge answered, from busybox wget's exit code, complaint and output. */
function probeAnswer(wgetExit: number, stderr: string, body: string): ProbeEdgeResult {
  return {
    ok: wgetExit === 0,
    status: wgetExit === 0 ? '2xx' : stderr.trim() || `wget exit ${wgetExit}`,
    body: body.slice(0, 4096),
  };
}

function liveMarker(service: string, live: EdgeColor): { path: string; state: 'present' | 'absent' } {
  return { path: liveMarkerPath(service), state: live === 'green' ? 'present' : 'absent' };
}

/** Runs APPLY_SITE_SCRIPT: the whole change in one exec. */
async function applySite(
  docker: Docker,
  edge: string,
  text: string,
  o: { what: string; marker?: { path: string; state: string }; drainMs?: number; settle?: 'quit' | 'served' },
): Promise<ConfigureEdgeResult> {
  const args = [
    EDGE_SITE_PATH,
    generationOf(text) ?? '',
    o.marker?.path ?? '',
    o.marker?.state ?? '',
    String(o.drainMs ?? 0),
    o.settle ?? 'quit',
    String(EDGE_LOCK_WAIT_S),
  ];
  const r = await execRun(docker, edge, ['/bin/busybox', 'sh', '-c', APPLY_SITE_SCRIPT, 'sh', ...args], {
    stdin: text,
    maxBytes: 512 * 1024,
    timeoutMs: EDGE_EXEC_TIMEOUT_MS,
  });
  // 14: another change of the site still held the lock; a plain (retryable) failure below.
  if (r.exitCode === 3)
    throw failure(ErrorType.BadSpec, `nginx refused ${o.what} (restored the previous one): ${r.stderr.trim()}`);
  if (r.exitCode !== 0)
    throw new Error(`applying ${o.what} in ${edge} failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
  const newline = r.stdout.indexOf('\n');
  const status = r.stdout.slice(0, newline);
  if (!['changed', 'changed drained', 'unchanged'].includes(status))
    throw new Error(`applying ${o.what} in ${edge}: unexpected output ${r.stdout.slice(0, 200)}`);
  return {
    changed: status !== 'unchanged',
    previousConfig: r.stdout.slice(newline + 1),
    drained: status === 'changed drained',
  };
}
