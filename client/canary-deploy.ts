import type { Client, WorkflowHandle } from '@temporalio/client';
import { pct } from '../common/canary-analysis';
import { CanaryInput, type CanaryRequest, type CanaryResult } from '../common/canary-deploy';
import type { DockhandConfig } from '../common/config';
import { validate } from '../common/spec/validate';
import { serviceChangeId } from '../common/workflow-ids';
import { ANSWER_JSON, approvalAnswers, duration, originText, type Presentation } from './presentation';
import { startLocked } from './start';

export type CanaryHandle = WorkflowHandle<(r: CanaryRequest) => Promise<CanaryResult>>;

/** Validates the request (bad input is refused here, naming the field, before any workflow exists)
 * and starts canaryDeploy under the service's change lock `deploy/<service>`. */
export async function startCanaryDeploy(
  client: Client,
  config: DockhandConfig,
  request: CanaryRequest,
  memo?: Record<string, unknown>,
): Promise<CanaryHandle> {
  const input = validate(CanaryInput, request, 'input');
  return (await startLocked(client, config, 'canaryDeploy', serviceChangeId(input.service), [input], {
    ...(memo ? { memo } : {}),
    presentation: canaryPresentation(input),
  })) as CanaryHandle;
}

/** What the Temporal UI shows of a canary from its start. */
export function canaryPresentation(input: CanaryInput): Presentation {
  const { service, host, spec, canary } = input;
  const steps = canary.steps.map(
    (s) => `${s.weight}%${s.pauseMs ? ` ${duration(s.pauseMs)}` : ''}${s.approval ? ' (approval)' : ''}`,
  );
  return {
    workflowType: 'canaryDeploy',
    summary: `canary of ${service} to ${spec.image} on ${host}`,
    what:
      'runs the new version beside the stable one and gives it a growing share of the edge’s requests, judging ' +
      'every window from the edge’s own access log; the first window that fails its thresholds (or an `abort`) puts ' +
      'the weight back to 0 and removes the canary, stable untouched; when every step passes, all requests go to it.',
    facts: {
      Service: `\`${service}\` on host \`${host}\``,
      Image: `\`${spec.image}\``,
      Steps: steps.join(' → '),
      Thresholds: [
        `success ${canary.successRate.inclusive ? '>=' : '>'} ${pct(canary.successRate.min)}`,
        ...(canary.p99 ? [`p99 ${canary.p99.inclusive ? '<=' : '<'} ${canary.p99.maxMs}ms`] : []),
        ...(canary.p50 ? [`p50 ${canary.p50.inclusive ? '<=' : '<'} ${canary.p50.maxMs}ms`] : []),
        `${canary.minRequests}+ requests a window`,
        `checked every ${duration(canary.intervalMs)}`,
        `${canary.failuresAllowed} failing window(s) in a row allowed`,
      ].join(', '),
      'Started by': originText(input.origin),
    },
    answers: [
      `\`dockhand pause|resume|promote|abort ${service}\` — or Send Signal \`pause\`, \`resume\`, \`promote\`, \`abort\` with \`${ANSWER_JSON}\``,
      ...approvalAnswers(service, { ...input.approval, required: canary.steps.some((s) => s.approval) }),
      `testers reach the canary at any weight with the header \`X-Canary: always\` (or the cookie \`dockhand_canary=always\`)`,
    ],
    service,
    host,
    image: spec.image,
    phase: 'planning',
  };
}
