import { CanaryInput, type CanaryRequest, type CanaryResult } from '../common/canary-deploy';
import { DeployErrorType, failure } from '../common/errors';
import { validate } from '../common/spec/validate';
import { hostAgent } from './lib/activity-options';
import { ApprovalGate } from './lib/approval-gate';
import { bringUpNewColor, planDeploy, prepareEdge, smokeCheck } from './lib/blue-green-steps';
import { CanaryControl } from './lib/canary-control';
import { hostEdge } from './lib/canary-edges';
import { bakeAndDrain, canaryProgress, canaryResult } from './lib/canary-finish';
import { promoteCanary, walkSteps } from './lib/canary-steps';
import { RollbackWindow } from './lib/rollback-window';
import { compensateAndThrow, Saga } from './lib/saga';
import { tagWorkflow } from './lib/workflow-tags';

/**
 * Canary deploy — the runbook "run the new version beside the stable one, give it 5 % of requests,
 * watch the error rate and latency, give it more, … all of it; at the first bad window put everything
 * back", judged by the edge's own access log. Stable is never stopped before the promotion, so an
 * abort (failed window, or a person's `abort`) is one edge reload: weight 0, canary removed.
 */
export async function canaryDeploy(request: CanaryRequest): Promise<CanaryResult> {
  const input = validate(CanaryInput, request, 'input');
  const { service, host, spec, edge } = input;
  const docker = hostAgent(host);
  const requesters = input.origin ? [input.origin.requestedBy] : [];
  const control = new CanaryControl(input.approval, service, requesters);
  const gate = new ApprovalGate({ ...input.approval, required: true }, { subject: service, requesters });
  const rollback = new RollbackWindow(input.approval, service);
  const progress = canaryProgress({ service, host, newImage: spec.image });
  const saga = new Saga();
  const startedAt = Date.now();
  tagWorkflow({ service, host, image: spec.image });
  try {
    progress.enter('planning', `which color of ${service} is stable on ${host}`);
    const { plan, edge: edgeState } = await planDeploy(docker, input);
    const { live, next } = plan;
    if (!live)
      throw failure(DeployErrorType.CheckFailed, `${service} runs no stable version on ${host}: deploy it first`);
    Object.assign(progress.status, { stableColor: live.color, stableImage: live.image, canaryColor: next.color });
    progress.enter('edge', `network ${spec.network}, images, edge ${edge.name}`);
    const hostPort = await prepareEdge(docker, input, edgeState, saga);
    progress.enter(
      'canary-up',
      `${next.name} with ${spec.image} beside ${live.name}: create, start, wait until healthy`,
    );
    await bringUpNewColor(docker, input, plan, saga);
    if (input.smoke) {
      progress.enter('smoke', `GET ${input.smoke.path} on ${next.name}, expecting ${input.smoke.expectStatus}`);
      await smokeCheck(docker, input, next.name);
    }
    const run = { docker, input, live, next, control, gate, progress, saga };
    const edges = hostEdge({ host, docker, input, live, next, saga });
    const { why, firstWeightAt } = await walkSteps({ ...run, edges });
    progress.enter('promoting', `${why}: every request to ${next.name} (${spec.image})`);
    await promoteCanary(run, saga);
    const promotedAt = Date.now();
    progress.status.weight = 100;
    const warnings = await bakeAndDrain(run, rollback, saga);
    progress.enter('done', `${next.name} serves ${spec.image} through ${edge.name} (${why})`);
    return canaryResult(run, { why, hostPort, warnings, startedAt, firstWeightAt, promotedAt });
  } catch (err) {
    progress.status.failure = (err as Error).message;
    return compensateAndThrow(saga, err, {
      enter: (phase, details) => progress.enter(phase, details),
      asBefore: `${service} is as before this canary: stable serves every request`,
      subject: service,
      onUndoFailures: (failed) => (progress.status.undoFailures = failed),
    });
  }
}
