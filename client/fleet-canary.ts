import type { WorkflowHandle } from '@temporalio/client';
import { FleetCanaryInput, type FleetCanaryRequest, type FleetCanaryResult } from '../common/fleet-canary';
import { canaryPresentation } from './canary-deploy';
import type { Presentation } from './presentation';
import { serviceChangeStarter } from './start';

export type FleetCanaryHandle = WorkflowHandle<(r: FleetCanaryRequest) => Promise<FleetCanaryResult>>;

/** Starts fleetCanaryDeploy under the service's change lock `deploy/<service>` (validated first): one
 * change of a service at a time, on all its hosts. */
export const startFleetCanaryDeploy = serviceChangeStarter<typeof FleetCanaryInput, FleetCanaryHandle>({
  workflowType: 'fleetCanaryDeploy',
  schema: FleetCanaryInput,
  presentation: fleetCanaryPresentation,
});

/** What the Temporal UI shows of a fleet canary from its start: the single-host canary's facts, on
 * every host. */
export function fleetCanaryPresentation(input: FleetCanaryInput): Presentation {
  const { hosts, service, spec } = input;
  const one = canaryPresentation({ ...input, host: hosts.join(', ') });
  return {
    ...one,
    workflowType: 'fleetCanaryDeploy',
    summary: `canary of ${service} to ${spec.image} on ${hosts.length} hosts (${hosts.join(', ')})`,
    what:
      'runs the new version beside the stable one on every host and gives it the same growing share of every ' +
      'edge’s requests, judging each edge’s own access log every window; the first window that fails on any host ' +
      '(or an `abort`, or a host that fails) puts every edge back to weight 0 and removes every canary, stable ' +
      'untouched; when every step passes, all requests on every host go to it.',
    facts: { ...one.facts, Service: `\`${service}\` on hosts ${hosts.map((h) => `\`${h}\``).join(', ')}` },
    host: hosts.join(','),
  };
}
