import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import type { HostLossPolicy } from '../common/fleet';
import {
  FleetRollingInput,
  hostLossOf,
  hostRolloutRequest,
  type FleetRollingRequest,
  type FleetRollingResult,
} from '../common/fleet-rolling';
import { RollingUpdateInput } from '../common/rolling-update';
import { validate } from '../common/spec/validate';
import { serviceChangeId } from '../common/workflow-ids';
import { approvalAnswers, duration, originText, type Presentation } from './presentation';
import { startLocked } from './start';

export type FleetRollingHandle = WorkflowHandle<(r: FleetRollingRequest) => Promise<FleetRollingResult>>;

/** Validates the request (the fleet's fields, then each host's rollout, naming the field) and starts
 * fleetRollingUpdate under the service's change lock `deploy/<service>`. */
export async function startFleetRollingUpdate(
  client: Client,
  config: DockhandConfig,
  request: FleetRollingRequest,
  memo?: Record<string, unknown>,
): Promise<FleetRollingHandle> {
  const input = validate(FleetRollingInput, request, 'input');
  for (const host of input.hosts) validate(RollingUpdateInput, hostRolloutRequest(input, host), 'input');
  return (await startLocked(client, config, 'fleetRollingUpdate', serviceChangeId(input.service), [input], {
    ...(memo ? { memo } : {}),
    presentation: fleetRollingPresentation(input),
  })) as FleetRollingHandle;
}

/** What the Temporal UI shows of a fleet rolling update from its start. */
function fleetRollingPresentation(input: FleetRollingInput): Presentation {
  const { service, hosts, spec, approval } = input;
  return {
    workflowType: 'fleetRollingUpdate',
    summary: `rolling update of ${service} to ${spec.image} on ${hosts.length} hosts (${hosts.join(', ')})`,
    what:
      'pulls the image on every host (one digest), then rolls each host with its own rollingUpdate child ' +
      '(deploy/<service>/<host>), at most maxHostsAtOnce hosts at once; a rolled host keeps its replaced replicas ' +
      'until every host has rolled (and ONE approval, when asked), then every host removes them. All or none: a ' +
      'failure on any host before then puts every replica back on every host.',
    facts: {
      Service: `\`${service}\``,
      Hosts: hosts.map((h) => `\`${h}\``).join(', '),
      Image: `\`${spec.image}\``,
      'Hosts at once': String(input.maxHostsAtOnce),
      Parallelism: `${input.parallelism} replicas at once on each host`,
      'Host loss': hostLossText(hostLossOf(input)),
      Approval: approval.required
        ? `one for the fleet after the first wave${approval.approvers.length ? ` from ${approval.approvers.join(', ')}` : ''}, within ${duration(approval.timeoutMs)}`
        : 'not required',
      'Started by': originText(input.origin),
    },
    answers: approval.required ? approvalAnswers(service, approval) : [],
    service,
    host: hosts.join(','),
    image: spec.image,
    phase: 'pulling',
  };
}

function hostLossText(p: HostLossPolicy): string {
  const lost = `a host that picks up no work within ${duration(p.timeout)}`;
  return p.policy === 'continue'
    ? `${lost} is left behind (and repaired when its agent returns) while ${p.minHosts} hosts remain; else every host rolls back`
    : `${lost} fails; every host rolls back (the lost one once its agent returns)`;
}
