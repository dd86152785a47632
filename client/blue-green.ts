import type { WorkflowHandle } from '@temporalio/client';
import { BlueGreenInput, type BlueGreenRequest, type BlueGreenResult } from '../common/blue-green';
import { ANSWER_JSON, approvalAnswers, duration, originText, type Presentation } from './presentation';
import { serviceChangeStarter } from './start';

export type BlueGreenHandle = WorkflowHandle<(r: BlueGreenRequest) => Promise<BlueGreenResult>>;

/** Starts blueGreenDeploy under the service's change lock `deploy/<service>` (validated first). */
export const startBlueGreenDeploy = serviceChangeStarter<typeof BlueGreenInput, BlueGreenHandle>({
  workflowType: 'blueGreenDeploy',
  schema: BlueGreenInput,
  presentation: blueGreenPresentation,
});

/** What the Temporal UI shows of a blue-green deploy from its start. */
function blueGreenPresentation(input: BlueGreenInput): Presentation {
  const { service, host, spec, approval } = input;
  return {
    workflowType: 'blueGreenDeploy',
    summary: `blue-green deploy of ${service} to ${spec.image} on ${host}`,
    what:
      'runs the new color beside the live one, waits until it is healthy, asks for approval, switches the edge, ' +
      'keeps the old color for the bake window, then removes it. A failure, rejection, approval timeout or rollback ' +
      'puts the edge back on the old color and removes the new one.',
    facts: {
      Service: `\`${service}\` on host \`${host}\``,
      Image: `\`${spec.image}\``,
      Approval: approval.required
        ? `required${approval.approvers.length ? ` from ${approval.approvers.join(', ')}` : ''}, within ${duration(approval.timeoutMs)}`
        : 'not required',
      'Bake window': `${duration(input.bakeMs)} (old color ${input.oldColorDuringBake})`,
      'Started by': originText(input.origin),
    },
    answers: [
      ...approvalAnswers(service, approval),
      `roll back during the bake window: \`dockhand rollback ${service}\` — or Send Signal \`rollback\` with \`${ANSWER_JSON}\``,
    ],
    service,
    host,
    image: spec.image,
    phase: 'planning',
  };
}
