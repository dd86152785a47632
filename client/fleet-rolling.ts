import type { HostLossPolicy } from '../common/fleet';
import { FleetRollingInput, hostLossOf, hostRolloutRequest, type FleetRollingResult } from '../common/fleet-rolling';
import { RollingUpdateInput } from '../common/rolling-update';
import { validate } from '../common/spec/validate';
import { approvalAnswers, approvalFact, duration, type ChangeTexts } from './presentation';
import { serviceChangeStarter, type StartedChange } from './start';

/** Starts fleetRollingUpdate under the service's change lock `deploy/<service>`, once the fleet's fields
 * and each host's own rollout are valid (naming the field). */
export const startFleetRollingUpdate = serviceChangeStarter<typeof FleetRollingInput, FleetRollingResult>({
  workflowType: 'fleetRollingUpdate',
  schema: FleetRollingInput,
  texts: fleetRollingTexts,
  check: (input) => {
    for (const host of input.hosts) validate(RollingUpdateInput, hostRolloutRequest(input, host), 'input');
  },
});
export type FleetRollingHandle = StartedChange<typeof startFleetRollingUpdate>;

/** What the Temporal UI shows of a fleet rolling update from its start. */
function fleetRollingTexts(input: FleetRollingInput): ChangeTexts {
  const { service, hosts, spec, approval } = input;
  return {
    summary: `rolling update of ${service} to ${spec.image} on ${hosts.length} hosts (${hosts.join(', ')})`,
    what:
      'pulls the image on every host (one digest), then rolls each host with its own rollingUpdate child ' +
      '(deploy/<service>/<host>), at most maxHostsAtOnce hosts at once; a rolled host keeps its replaced replicas ' +
      'until every host has rolled (and ONE approval, when asked), then every host removes them. All or none: a ' +
      'failure on any host before then puts every replica back on every host.',
    facts: {
      'Hosts at once': String(input.maxHostsAtOnce),
      Parallelism: `${input.parallelism} replicas at once on each host`,
      'Host loss': hostLossText(hostLossOf(input)),
      Approval: approvalFact(approval, 'one for the fleet after the first wave'),
    },
    answers: approval.required ? approvalAnswers(service, approval) : [],
    phase: 'pulling',
  };
}

function hostLossText(p: HostLossPolicy): string {
  const lost = `a host that picks up no work within ${duration(p.timeout)}`;
  return p.policy === 'continue'
    ? `${lost} is left behind (and repaired when its agent returns) while ${p.minHosts} hosts remain; else every host rolls back`
    : `${lost} fails; every host rolls back (the lost one once its agent returns)`;
}
