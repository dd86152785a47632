import type { WorkflowHandle } from '@temporalio/client';
import { FleetBlueGreenInput, type FleetBlueGreenRequest, type FleetBlueGreenResult } from '../common/fleet-blue-green';
import { ANSWER_JSON, approvalAnswers, duration, originText, type Presentation } from './presentation';
import { serviceChangeStarter } from './start';

export type FleetBlueGreenHandle = WorkflowHandle<(r: FleetBlueGreenRequest) => Promise<FleetBlueGreenResult>>;

/** Starts fleetBlueGreenDeploy under the service's change lock `deploy/<service>` (validated first): one
 * change of a service at a time, on all its hosts. */
export const startFleetBlueGreenDeploy = serviceChangeStarter<typeof FleetBlueGreenInput, FleetBlueGreenHandle>({
  workflowType: 'fleetBlueGreenDeploy',
  schema: FleetBlueGreenInput,
  presentation: fleetBlueGreenPresentation,
});

/** What the Temporal UI shows of a fleet blue-green deploy from its start. */
function fleetBlueGreenPresentation(input: FleetBlueGreenInput): Presentation {
  const { service, hosts, spec, approval, hostLoss } = input;
  return {
    workflowType: 'fleetBlueGreenDeploy',
    summary: `blue-green deploy of ${service} to ${spec.image} on ${hosts.length} hosts (${hosts.join(', ')})`,
    what:
      'pulls the image on every host (one digest), brings the new color up beside the live one on every host ' +
      '(boot limit) and smoke-checks it, asks ONE approval for the fleet, switches every edge, keeps the old colors ' +
      'for the bake window, then removes them. All or none: a failure on any host before the bake ends switches ' +
      'every host back and removes every new color.',
    facts: {
      Service: `\`${service}\``,
      Hosts: hosts.map((h) => `\`${h}\``).join(', '),
      Image: `\`${spec.image}\``,
      'Boot limit': String(input.bootLimit),
      'Host loss': `a host that picks up no work within ${duration(hostLoss.timeout)} is lost; then ${hostLoss.policy === 'rollback' ? 'every host rolls back' : `the deploy continues while at least ${hostLoss.minHosts} hosts remain`}`,
      Approval: approval.required
        ? `one for the fleet${approval.approvers.length ? ` from ${approval.approvers.join(', ')}` : ''}, within ${duration(approval.timeoutMs)}`
        : 'not required',
      'Bake window': `${duration(input.bakeMs)} (old colors ${input.oldColorDuringBake})`,
      'Started by': originText(input.origin),
    },
    answers: [
      ...approvalAnswers(service, approval),
      `roll back every host during the bake window: \`dockhand rollback ${service}\` — or Send Signal \`rollback\` with \`${ANSWER_JSON}\``,
    ],
    service,
    host: hosts.join(','),
    image: spec.image,
    phase: 'pulling',
  };
}
