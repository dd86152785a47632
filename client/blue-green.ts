import { BlueGreenInput, type BlueGreenResult } from '../common/blue-green';
import { ANSWER_JSON, approvalAnswers, approvalFact, duration, type ChangeTexts } from './presentation';
import { serviceChangeStarter } from './start';

/** Starts blueGreenDeploy under the service's change lock `deploy/<service>` (validated first). */
export const startBlueGreenDeploy = serviceChangeStarter<typeof BlueGreenInput, BlueGreenResult>({
  workflowType: 'blueGreenDeploy',
  schema: BlueGreenInput,
  texts: blueGreenTexts,
});

/** What the Temporal UI shows of a blue-green deploy from its start. */
function blueGreenTexts(input: BlueGreenInput): ChangeTexts {
  const { service, host, spec, approval } = input;
  return {
    summary: `blue-green deploy of ${service} to ${spec.image} on ${host}`,
    what:
      'runs the new color beside the live one, waits until it is healthy, asks for approval, switches the edge, ' +
      'keeps the old color for the bake window, then removes it. A failure, rejection, approval timeout or rollback ' +
      'puts the edge back on the old color and removes the new one.',
    facts: {
      Approval: approvalFact(approval, 'required'),
      'Bake window': `${duration(input.bakeMs)} (old color ${input.oldColorDuringBake})`,
    },
    answers: [
      ...approvalAnswers(service, approval),
      `roll back during the bake window: \`dockhand rollback ${service}\` — or Send Signal \`rollback\` with \`${ANSWER_JSON}\``,
    ],
    phase: 'planning',
  };
}
