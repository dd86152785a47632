import { FleetBlueGreenInput, type FleetBlueGreenResult } from '../common/fleet-blue-green';
import { ANSWER_JSON, approvalAnswers, approvalFact, duration, type ChangeTexts } from './presentation';
import { serviceChangeStarter, type StartedChange } from './start';

/** Starts fleetBlueGreenDeploy under the service's change lock `deploy/<service>` (validated first), which
 * holds for all its hosts. */
export const startFleetBlueGreenDeploy = serviceChangeStarter<typeof FleetBlueGreenInput, FleetBlueGreenResult>({
  workflowType: 'fleetBlueGreenDeploy',
  schema: FleetBlueGreenInput,
  texts: fleetBlueGreenTexts,
});
export type FleetBlueGreenHandle = StartedChange<typeof startFleetBlueGreenDeploy>;

/** What the Temporal UI shows of a fleet blue-green deploy from its start. */
function fleetBlueGreenTexts(input: FleetBlueGreenInput): ChangeTexts {
  const { service, hosts, spec, approval, hostLoss } = input;
  return {
    summary: `blue-green deploy of ${service} to ${spec.image} on ${hosts.length} hosts (${hosts.join(', ')})`,
    what:
      'pulls the image on every host (one digest), brings the new color up beside the live one on every host ' +
      '(boot limit) and smoke-checks it, asks ONE approval for the fleet, switches every edge, keeps the old colors ' +
      'for the bake window, then removes them. All or none: a failure on any host before the bake ends switches ' +
      'every host back and removes every new color.',
    facts: {
      'Boot limit': String(input.bootLimit),
      'Host loss': `a host that picks up no work within ${duration(hostLoss.timeout)} is lost; then ${hostLoss.policy === 'rollback' ? 'every host rolls back' : `the deploy continues while at least ${hostLoss.minHosts} hosts remain`}`,
      Approval: approvalFact(approval, 'one for the fleet'),
      'Bake window': `${duration(input.bakeMs)} (old colors ${input.oldColorDuringBake})`,
    },
    answers: [
      ...approvalAnswers(service, approval),
      `roll back every host during the bake window: \`dockhand rollback ${service}\` — or Send Signal \`rollback\` with \`${ANSWER_JSON}\``,
    ],
    phase: 'pulling',
  };
}
