import { CancellationScope, isCancellation } from '@temporalio/workflow';
import {
  canaryStatusQuery,
  canaryTimings,
  type CanaryPhase,
  type CanaryResult,
  type CanaryStatus,
} from '../../common/canary-deploy';
import { DeployErrorType, failure } from '../../common/errors';
import { removeBehindEdge } from './blue-green-steps';
import type { CanaryRun } from './canary-steps';
import { Progress } from './progress';
import type { RollbackWindow } from './rollback-window';
import { messageOf, type Saga } from './saga';

/** The canary's progress: the `status` query (phase, step, weight, checks), the phase search
 * attribute and the Web UI's current details, kept together. */
export function canaryProgress(
  init: Pick<CanaryStatus, 'service' | 'host' | 'newImage'>,
): Progress<CanaryPhase, CanaryStatus> {
  return new Progress<CanaryPhase, CanaryStatus>(
    {
      ...init,
      phase: 'planning',
      details: '',
      step: 0,
      weight: 0,
      startedAt: new Date().toISOString(),
      phases: [],
      checks: [],
      approvals: [],
    },
    canaryStatusQuery,
    'Phase, step, weight and the checks of this canary',
  );
}

/** After the promotion: the bake window (a `rollback` inside it is the one-file switch back to the
 * stable color, still running), then the stable color is removed once the edge is done with it. A
 * removal that fails is a warning: the new version is live all the same. */
export async function bakeAndDrain(
  run: Pick<CanaryRun, 'docker' | 'input' | 'live' | 'next' | 'progress'>,
  rollback: RollbackWindow,
  saga: Saga,
): Promise<string[]> {
  const { input, live, progress } = run;
  if (input.bakeMs > 0) {
    progress.enter(
      'promoting',
      `${run.next.name} serves; ${live.name} kept for ${input.bakeMs / 1000}s. Roll back: \`dockhand rollback ${input.service}\``,
      `the bake window (${input.bakeMs / 1000}s) to end, or a \`rollback\``,
    );
    if (await rollback.wait(input.bakeMs))
      throw failure(
        DeployErrorType.RolledBack,
        `rolled back to ${live.name} by ${rollback.requested!.by}${rollback.requested!.comment ? `: ${rollback.requested!.comment}` : ''}`,
        rollback.requested,
      );
  }
  saga.commit();
  progress.enter('draining', `removing ${live.name} once the edge's old workers are done with it`);
  const warnings: string[] = [];
  await CancellationScope.nonCancellable(() =>
    removeBehindEdge(run.docker, input, live.name).catch((err) => {
      if (isCancellation(err)) throw err;
      warnings.push(`${live.name} (${live.image}) was not removed: ${messageOf(err)}`);
    }),
  );
  if (warnings.length) progress.status.warnings = warnings;
  return warnings;
}

/** The result of a promoted canary: colors, images, the policy and every check kept, timings. */
export function canaryResult(
  run: Pick<CanaryRun, 'input' | 'live' | 'next' | 'progress'>,
  o: {
    why: string;
    hostPort: number;
    warnings: string[];
    startedAt: number;
    firstWeightAt?: number;
    promotedAt: number;
  },
): CanaryResult {
  const { input, live, next } = run;
  const { edge } = input;
  return {
    service: input.service,
    host: input.host,
    outcome: 'promoted',
    why: o.why,
    liveColor: next.color,
    liveContainer: next.name,
    image: input.spec.image,
    previousColor: live.color,
    previousImage: live.image,
    policy: input.canary,
    checks: run.progress.status.checks,
    edge: { name: edge.name, hostIp: edge.hostIp, hostPort: o.hostPort },
    ...(o.warnings.length ? { warnings: o.warnings } : {}),
    timings: canaryTimings({ ...o, finishedAt: Date.now() }),
  };
}
