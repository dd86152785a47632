import type { WorkflowHandle } from '@temporalio/client';
import { deployEnd, type DeployEnd } from '../../client/deploy';
import { followPhases } from '../../client/follow';
import { DeployErrorType } from '../../common/errors';
import { DockhandPhase } from '../../common/search-attributes';
import { parseDurationMs } from '../../common/spec/units';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { emit } from './envelope';
import { Progress } from './progress';
import { followRollout } from './rollout-output';

/** How the progress of a workflow is read: blue-green's (and a canary's) phase list, a rollout's batches, or any
 * other Dockhand workflow's `{phase, details}` status. */
type ProgressKind = 'blue-green' | 'rolling' | 'canary' | 'phase';

export interface FollowOptions {
  kind: ProgressKind;
  /** Progress lines (none with --json). */
  progress?: Progress;
  /** Stop following after this long: exit 5, the change goes on. */
  timeoutMs?: number;
  /** The command that follows this change again, printed on Ctrl-C and on --timeout. */
  reattach: string;
  url: string;
}

/**
 * Follows a running change until it ends and returns how it ended. It never acts on the change:
 * Ctrl-C and --timeout only stop the following (a CliError with exit 130 or 5 that says how to
 * re-attach); the change goes on in Temporal.
 */
export async function followChange(handle: WorkflowHandle, o: FollowOptions): Promise<DeployEnd> {
  const watch = watchProgress(handle, o).then(() => 'ended' as const);
  let timer: NodeJS.Timeout | undefined;
  let onInterrupt: (() => void) | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (o.timeoutMs !== undefined) timer = setTimeout(() => resolve('timeout'), o.timeoutMs);
  });
  const interrupted = new Promise<'interrupt'>((resolve) => {
    onInterrupt = () => resolve('interrupt');
    process.once('SIGINT', onInterrupt);
  });
  const stop = await Promise.race([watch, timedOut, interrupted]);
  clearTimeout(timer);
  process.removeListener('SIGINT', onInterrupt!);
  o.progress?.stop();
  const target = { workflowId: handle.workflowId, url: o.url };
  if (stop === 'timeout')
    throw new CliError(
      `stopped waiting after ${o.timeoutMs! / 1000}s; ${handle.workflowId} goes on. Follow it again: ${o.reattach}`,
      EXIT.timedOut,
      target,
    );
  if (stop === 'interrupt')
    throw new CliError(
      `stopped following; ${handle.workflowId} goes on. Follow it again: ${o.reattach}`,
      130 as ExitCode,
      target,
    );
  return deployEnd(handle);
}

/** Exit code of a change that ended: 0 done; 3 when it undid itself on purpose (rejected, rolled
 * back, approval timed out, cancelled, terminated); 1 when it failed. */
export function exitCodeOf(end: DeployEnd): ExitCode {
  if (end.outcome === 'succeeded') return EXIT.done;
  if (end.outcome === 'rolled-back') return EXIT.refused;
  const refused: string[] = [
    DeployErrorType.Rejected,
    DeployErrorType.ApprovalTimedOut,
    DeployErrorType.RolledBack,
    'cancelled',
    'terminated',
  ];
  return end.failureType && refused.includes(end.failureType) ? EXIT.refused : EXIT.error;
}

/** A word for how the change ended ("rejected", "rolled back", "cancelled", "failed"). */
export function outcomeWord(end: DeployEnd): string {
  if (end.outcome === 'succeeded') return 'succeeded';
  if (end.failureType === DeployErrorType.CanaryAborted) return 'aborted (the canary is removed, stable serves)';
  if (end.outcome === 'rolled-back') return 'rolled back';
  switch (end.failureType) {
    case DeployErrorType.Rejected:
      return 'rejected';
    case DeployErrorType.ApprovalTimedOut:
      return 'rejected (approval timed out)';
    case 'cancelled':
      return 'cancelled';
    case 'terminated':
      return 'terminated';
    default:
      return 'failed';
  }
}

async function watchProgress(handle: WorkflowHandle, o: FollowOptions): Promise<void> {
  const report = o.progress;
  if (o.kind === 'blue-green' || o.kind === 'canary') {
    await followPhases(handle, (p) => report?.phase(p.phase, p.details, p.elapsedMs)).catch(() => undefined);
  } else if (o.kind === 'rolling') {
    await followRollout(handle, report ? (line) => report.line(line) : undefined).catch(() => undefined);
  } else {
    await followPhase(handle, report);
  }
}

/** Workflows whose status is `{phase, details}`: a line whenever the phase changes. A workflow with
 * no status query (a scan) is read through its DockhandPhase search attribute instead. */
async function followPhase(handle: WorkflowHandle, report?: Progress): Promise<void> {
  const started = Date.now();
  let ended = false;
  const result = handle.result().then(
    () => (ended = true),
    () => (ended = true),
  );
  let last = '';
  while (!ended) {
    const s =
      (await handle.query<{ phase?: string; details?: string }>('status').catch(() => undefined)) ??
      (await handle
        .describe()
        .then((d) => ({ phase: d.typedSearchAttributes.get(DockhandPhase), details: '' }))
        .catch(() => undefined));
    if (s?.phase && `${s.phase}${s.details}` !== last) {
      last = `${s.phase}${s.details}`;
      report?.phase(s.phase, s.details ?? '', Date.now() - started);
    }
    await Promise.race([result, new Promise((r) => setTimeout(r, 500))]);
  }
}

/** Reports a followed change's end: the result (exit 0), or a CliError with the change's exit code
 * whose envelope carries how it ended. */
export function reportEnd(
  end: DeployEnd,
  o: { json?: boolean; url: string; extra?: Record<string, unknown>; human: () => string },
): void {
  const code = exitCodeOf(end);
  const { workflowId, ...rest } = end;
  if (code === EXIT.done) {
    emit(o.json, { ...o.extra, ...rest }, o.human, { workflowId, url: o.url });
    return;
  }
  throw new CliError(`${workflowId} ${outcomeWord(end)}: ${end.failure ?? 'no cause given'}`, code, {
    workflowId,
    url: o.url,
    details: { ...o.extra, ...rest },
  });
}

/** The tail of every command that starts a change and follows it (deploy, rollout, rollback, ensure,
 * remediate): print the start line, follow until the end (or --timeout / Ctrl-C), report how it ended. */
export async function followAndReport(
  handle: WorkflowHandle,
  o: Omit<FollowOptions, 'progress' | 'timeoutMs'> & {
    json?: boolean;
    /** The --timeout flag as given ("30m"); absent: follow until the end. */
    timeout?: string;
    /** The first progress line ("started deploy/web — <url>"). */
    started: string;
    extra?: Record<string, unknown>;
    human: (end: DeployEnd) => string;
  },
): Promise<void> {
  const progress = o.json ? undefined : new Progress();
  progress?.line(o.started);
  const timeoutMs = o.timeout === undefined ? undefined : parseDurationMs(o.timeout);
  const end = await followChange(handle, { kind: o.kind, progress, timeoutMs, reattach: o.reattach, url: o.url });
  reportEnd(end, { json: o.json, url: o.url, extra: o.extra, human: () => o.human(end) });
}
