import type Docker from 'dockerode';
import { activityInfo, heartbeat } from '@temporalio/activity';
import { ErrorType, failure } from '../../common/errors';
import { engineCall } from './engine-errors';
import { runHealthCheckNow } from './health-check-now';
import { toContainerView } from './container-view';
import { withContainerWake } from './container-wake';
import { Demuxer } from './output-buffer';
import { reportableOutput, secretValuesOf } from './container-secrets';

export interface WaitHealthyInput {
  name: string;
  /** Deadline counted from the first attempt (kept across retries through heartbeat details). */
  timeoutMs: number;
  /** How often to look without an engine event (the safety net; events wake the wait at once). */
  pollMs?: number;
  /** While Docker has yet to run its first check, run the container's own check at each look (the
   * first at once, then ever less often: 250 ms, 500 ms, … up to `pollMs`) and count a pass as healthy:
   * for a container whose image checks seldom (Dockhand's edge, every 10 s), whose health nothing
   * reads from Docker right after. */
  checkNow?: boolean;
}
export interface WaitHealthyResult {
  name: string;
  health: string;
  waitedMs: number;
  /** Healthy by the agent's own run of the container's check (`checkNow`), Docker's status still starting. */
  checkedNow?: boolean;
}

interface Progress {
  startedAt: number;
}

const LOG_TAIL_LINES = 20;
/** When `checkNow` runs the container's check again after one that failed; the gap doubles from
 * there (each run is an exec: a process start in the container). */
const CHECK_NOW_FIRST_GAP_MS = 250;

export function createHealthActivities(docker: Docker) {
  return {
    /** Waits until the container is healthy (or running, when it has no health check). Fails with
     * ContainerExited when it stops, Unhealthy (with its health log) when Docker marks it unhealthy or
     * the deadline passes. It looks again at each engine event of the container (and every `pollMs`).
     * Read-only, so running it twice is harmless; it heartbeats every look and a retry on another
     * agent keeps the original deadline. */
    async waitHealthy({ name, timeoutMs, pollMs = 1000, checkNow }: WaitHealthyInput): Promise<WaitHealthyResult> {
      const startedAt = firstAttemptStart();
      return untilHealthy(docker, name, {
        startedAt,
        timeoutMs,
        pollMs,
        checkNow,
        onLook: () => heartbeat({ startedAt } satisfies Progress),
      });
    },
  };
}

/** When the first attempt of this activity began (kept in the heartbeat details), so a retry keeps the
 * original deadline instead of starting its window again. Heartbeat `{ startedAt }` to keep it. */
export function firstAttemptStart(): number {
  return (activityInfo().heartbeatDetails as Progress | undefined)?.startedAt ?? Date.now();
}

/** The one health wait. `until-healthy`: returns once the container is healthy (or running without a
 * health check), failing when it exits, turns unhealthy or the deadline (`startedAt + timeoutMs`) passes.
 * `stays-healthy` (the monitor period): returns at `until` if the container (by id: it may be renamed
 * meanwhile) stayed running and healthy, failing the moment it does not. Either way it looks at each
 * engine event of the container and every `pollMs`; `onLook` runs (heartbeats) after each look. */
type HealthWait = { pollMs: number; onLook: () => void } & (
  | { kind: 'until-healthy'; startedAt: number; timeoutMs: number; checkNow?: boolean }
  | { kind: 'stays-healthy'; id: string; until: number }
);

type StaysHealthy = Extract<HealthWait, { kind: 'stays-healthy' }>;

async function waitForHealth(docker: Docker, name: string, w: HealthWait): Promise<WaitHealthyResult> {
  const ref = w.kind === 'stays-healthy' ? w.id : name;
  return withContainerWake(docker, ref, async (wake) => {
    let checkGap = CHECK_NOW_FIRST_GAP_MS; // checkNow's looks: sooner than pollMs at first, then less often
    for (;;) {
      const verdict =
        w.kind === 'until-healthy'
          ? await healthVerdict(docker, name, Date.now() - w.startedAt, w.timeoutMs, w.checkNow)
          : await stillHealthy(docker, name, w);
      if (verdict) return verdict;
      w.onLook();
      // Throws CancelledFailure when the workflow cancels us.
      const left = w.kind === 'until-healthy' ? w.startedAt + w.timeoutMs + 1 - Date.now() : w.until - Date.now();
      let gap = w.pollMs;
      if (w.kind === 'until-healthy' && w.checkNow) {
        gap = Math.min(gap, checkGap);
        checkGap *= 2;
      }
      await wake.next(Math.min(gap, Math.max(w.kind === 'until-healthy' ? 1 : 0, left)));
    }
  });
}

/** waitHealthy's loop, for activities that wait as one of their steps. */
export function untilHealthy(
  docker: Docker,
  name: string,
  wait: { startedAt: number; timeoutMs: number; pollMs: number; checkNow?: boolean; onLook: () => void },
): Promise<WaitHealthyResult> {
  return waitForHealth(docker, name, { kind: 'until-healthy', ...wait });
}

/** The monitor period (see HealthWait's `stays-healthy`). */
export async function staysHealthy(
  docker: Docker,
  id: string,
  name: string,
  watch: { until: number; pollMs: number; onLook: () => void },
): Promise<void> {
  await waitForHealth(docker, name, { kind: 'stays-healthy', id, ...watch });
}

/** Still running and healthy: undefined before `until`, the result at it; exited or unhealthy: the typed
 * failure. */
async function stillHealthy(docker: Docker, name: string, { id, until }: StaysHealthy) {
  const { view, secrets } = await look(docker, id, name);
  if (!view.state.running)
    throw failure(
      ErrorType.ContainerExited,
      `${name} exited with code ${view.state.exitCode} during its monitor period`,
    );
  if (view.health && view.health.status !== 'healthy')
    throw failure(
      ErrorType.Unhealthy,
      `${name} became ${view.health.status} during its monitor period; health log:\n${healthLog(view.health.log, secrets)}`,
    );
  const done: WaitHealthyResult = { name, health: view.health?.status ?? 'running', waitedMs: 0 };
  return Date.now() >= until ? done : undefined;
}

/** One look at the container (`ref`: its id or name), with the secret values to redact from what it reports. */
async function look(docker: Docker, ref: string, name: string) {
  const inspect = (await engineCall(`inspect container ${name}`, () => docker.getContainer(ref).inspect()))!;
  return { view: toContainerView(inspect), secrets: secretValuesOf(inspect), config: inspect.Config };
}

/** A health check's recent results, one line each, as they may leave the agent (redacted, bounded). */
function healthLog(log: Array<{ exitCode: number; output: string }> = [], secrets: string[] = []): string {
  return (
    reportableHealthLog(log, secrets)
      .map((l) => `[exit ${l.exitCode}] ${l.output.trim()}`)
      .join('\n') || '(empty)'
  );
}
function reportableHealthLog<L extends { output: string }>(log: L[] = [], secrets: string[]): L[] {
  return log.map((l) => ({ ...l, output: reportableOutput(l.output, secrets) }));
}

/** Healthy (or running without a health check, or starting and its check passes now with `checkNow`):
 * the result. Exited, unhealthy or past the deadline: the typed failure. Still starting: undefined. */
async function healthVerdict(
  docker: Docker,
  name: string,
  waitedMs: number,
  timeoutMs: number,
  checkNow = false,
): Promise<WaitHealthyResult | undefined> {
  const { view, secrets, config } = await look(docker, name, name);
  if (!view.state.running && ['exited', 'dead'].includes(view.state.status)) {
    const logs = await tailLogs(docker, name, secrets);
    throw failure(
      ErrorType.ContainerExited,
      `${name} exited with code ${view.state.exitCode} before it became healthy${view.state.oomKilled ? ' (OOM-killed)' : ''}; last logs:\n${logs}`,
      { exitCode: view.state.exitCode, logs },
    );
  }
  const health = view.health?.status ?? (view.state.running ? 'running' : view.state.status);
  if (health === 'healthy' || (health === 'running' && !view.health)) return { name, health, waitedMs };
  const now =
    health === 'starting' && checkNow && view.state.running && (await runHealthCheckNow(docker, name, config));
  if (now && now.passed) return { name, health: 'healthy', waitedMs, checkedNow: true };
  if (health === 'unhealthy' || waitedMs > timeoutMs) {
    const why =
      health === 'unhealthy'
        ? 'Docker marked it unhealthy'
        : `not healthy after ${Math.round(waitedMs / 1000)}s (status ${health})`;
    const own = now ? `; its check, run by the agent just now: ${reportableOutput(now.said, secrets)}` : '';
    throw failure(ErrorType.Unhealthy, `${name}: ${why}${own}; health log:\n${healthLog(view.health?.log, secrets)}`, {
      health: view.health && { ...view.health, log: reportableHealthLog(view.health.log, secrets) },
    });
  }
  return undefined;
}

async function tailLogs(docker: Docker, name: string, secrets: string[]): Promise<string> {
  const buf = await engineCall(
    `logs of ${name}`,
    () => docker.getContainer(name).logs({ stdout: true, stderr: true, tail: LOG_TAIL_LINES, follow: false }),
    [404],
  );
  if (!buf) return '(no logs)';
  let logs = '';
  new Demuxer((_, payload) => (logs += payload.toString('utf8'))).push(buf);
  return reportableOutput(logs, secrets) || '(no logs)';
}
