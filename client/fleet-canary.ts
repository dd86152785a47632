import { FleetCanaryInput, type FleetCanaryResult } from '../common/fleet-canary';
import { canaryTexts } from './canary-deploy';
import type { ChangeTexts } from './presentation';
import { serviceChangeStarter, type StartedChange } from './start';

/** What the Temporal UI shows of a fleet canary from its start: the single-host canary's facts, on
 * every host. */
function fleetCanaryTexts(input: FleetCanaryInput): ChangeTexts {
  const { hosts, service, spec } = input;
  return {
    ...canaryTexts({ ...input, host: hosts.join(', ') }),
    summary: `canary of ${service} to ${spec.image} on ${hosts.length} hosts (${hosts.join(', ')})`,
    what:
      'runs the new version beside the stable one on every host and gives it the same growing share of every ' +
      'edge’s requests, judging each edge’s own access log every window; the first window that fails on any host ' +
      '(or an `abort`, or a host that fails) puts every edge back to weight 0 and removes every canary, stable ' +
      'untouched; when every step passes, all requests on every host go to it.',
  };
}

/** Starts fleetCanaryDeploy under the service's change lock `deploy/<service>` (validated first), which
 * holds for all its hosts. */
export const startFleetCanaryDeploy = serviceChangeStarter<typeof FleetCanaryInput, FleetCanaryResult>({
  workflowType: 'fleetCanaryDeploy',
  schema: FleetCanaryInput,
  texts: fleetCanaryTexts,
});
export type FleetCanaryHandle = StartedChange<typeof startFleetCanaryDeploy>;
