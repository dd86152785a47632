import { patched } from '@temporalio/workflow';
import { approvalWaitsOn } from '../common/phase-details';
import { BlueGreenInput } from '../common/blue-green';
import { guardTexts } from '../common/deploy-guard-texts';
import {
  DeployGuardInput,
  guardResults,
  type DeployGuardRequest,
  type DeployGuardResult,
} from '../common/deploy-guard';
import { RollingUpdateInput, type RollingUpdateRequest } from '../common/rolling-update';
import { validate } from '../common/spec/validate';
import { blueGreenDeploy } from './blue-green';
import { ApprovalGate } from './lib/approval-gate';
import { enterPhase } from './lib/progress';
import { hostAgent } from './lib/activity-options';
import { notifyOnce } from './lib/remediation-state';
import { rollingUpdate } from './rolling-update';
import { tagWorkflow } from './lib/workflow-tags';

/** Marker: the approval gate's note is the only "waits for approval" note of a guard's rollback. */
const ONE_WAITING_NOTE = 'guard-one-waiting-note';

/**
 * The deploy guard's rollback, under the service's change lock deploy/<service>: a container of the
 * last deploy turned unhealthy soon after it finished, so the previous spec goes back with the same
 * strategy (a blue-green deploy or a rolling update of it, run inline so the lock is held throughout),
 * after approval per policy. The container's real state decides first: healthy again → nothing.
 */
export async function deployGuardRollback(request: DeployGuardRequest): Promise<DeployGuardResult> {
  const input = validate(DeployGuardInput, request, 'input');
  const { service, host, strategy, incident } = input;
  // Bad input is refused before anything changes, with the deploy's own field names.
  const redeploy =
    strategy === 'blue-green'
      ? validate(BlueGreenInput, input.request, 'input.request')
      : validate(RollingUpdateInput, input.request, 'input.request');
  const to = redeploy.spec.image;
  const texts = guardTexts(input, to);
  const { title, text } = texts.approvalNote;
  const gate = new ApprovalGate(input.approval, {
    subject: `the deploy guard's rollback of ${service}`,
    service,
    host,
    container: incident.container,
    note: { title, text },
  });
  tagWorkflow({ service, host, image: to });
  const result = guardResults(input);

  enterPhase('checking', `is ${incident.container} still unhealthy?`);
  const now = await hostAgent(host).containerCondition({ name: incident.container });
  if (now?.running && now.health === 'healthy') {
    enterPhase('done', `${incident.container} is healthy again; no rollback`);
    return result('recovered', { outcome: 'skipped', at: new Date().toISOString(), refused: [] });
  }

  if (input.approval.required) {
    enterPhase(
      'awaiting-approval',
      texts.asking,
      approvalWaitsOn(`${input.approval.timeoutMs / 1000}s from now`, 'nothing changes'),
    );
    // The gate tells people it waits, in the guard's words; runs before this sent a second note of their own.
    if (!patched(ONE_WAITING_NOTE)) await notifyOnce(host, incident.container, texts.approvalNote);
  }
  const approval = await gate.wait();
  if (approval.outcome === 'rejected' || approval.outcome === 'timed-out') {
    enterPhase('done', texts.answered(approval));
    return result(approval.outcome, approval);
  }

  enterPhase('rolling-back', `${texts.what}: ${texts.why}`);
  try {
    const deploy =
      strategy === 'blue-green'
        ? await blueGreenDeploy(redeploy)
        : await rollingUpdate(input.request as RollingUpdateRequest);
    await notifyOnce(host, incident.container, texts.rolledBackNote(approval));
    return result('rolled-back', approval, { spec: deploy.spec, deploy });
  } catch (err) {
    await notifyOnce(host, incident.container, texts.failedNote((err as Error).message));
    throw err;
  }
}
