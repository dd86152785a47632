import { pct } from '../common/canary-analysis';
import { CanaryInput, type CanaryResult } from '../common/canary-deploy';
import { ANSWER_JSON, approvalAnswers, duration, type ChangeTexts } from './presentation';
import { serviceChangeStarter, type StartedChange } from './start';

/** Starts canaryDeploy under the service's change lock `deploy/<service>` (validated first). */
export const startCanaryDeploy = serviceChangeStarter<typeof CanaryInput, CanaryResult>({
  workflowType: 'canaryDeploy',
  schema: CanaryInput,
  texts: canaryTexts,
});
export type CanaryHandle = StartedChange<typeof startCanaryDeploy>;

/** What the Temporal UI shows of a canary from its start (a fleet canary's too: the same policy). */
export function canaryTexts(
  input: Pick<CanaryInput, 'service' | 'host' | 'spec' | 'canary' | 'approval'>,
): ChangeTexts {
  const { service, host, spec, canary } = input;
  const steps = canary.steps.map(
    (s) => `${s.weight}%${s.pauseMs ? ` ${duration(s.pauseMs)}` : ''}${s.approval ? ' (approval)' : ''}`,
  );
  return {
    summary: `canary of ${service} to ${spec.image} on ${host}`,
    what:
      'runs the new version beside the stable one and gives it a growing share of the edge’s requests, judging ' +
      'every window from the edge’s own access log; the first window that fails its thresholds (or an `abort`) puts ' +
      'the weight back to 0 and removes the canary, stable untouched; when every step passes, all requests go to it.',
    facts: {
      Steps: steps.join(' → '),
      Thresholds: [
        `success ${canary.successRate.inclusive ? '>=' : '>'} ${pct(canary.successRate.min)}`,
        ...(canary.p99 ? [`p99 ${canary.p99.inclusive ? '<=' : '<'} ${canary.p99.maxMs}ms`] : []),
        ...(canary.p50 ? [`p50 ${canary.p50.inclusive ? '<=' : '<'} ${canary.p50.maxMs}ms`] : []),
        `${canary.minRequests}+ requests a window`,
        `checked every ${duration(canary.intervalMs)}`,
        `${canary.failuresAllowed} failing window(s) in a row allowed`,
      ].join(', '),
    },
    answers: [
      `\`dockhand pause|resume|promote|abort ${service}\` — or Send Signal \`pause\`, \`resume\`, \`promote\`, \`abort\` with \`${ANSWER_JSON}\``,
      ...approvalAnswers(service, { ...input.approval, required: canary.steps.some((s) => s.approval) }),
      `testers reach the canary at any weight with the header \`X-Canary: always\` (or the cookie \`dockhand_canary=always\`)`,
    ],
    phase: 'planning',
  };
}
