import type { ApprovalDecision } from './approval';
import type { DeployGuardInput } from './deploy-guard';
import type { IncidentNote } from './remediation/notification';

/** What the deploy guard's rollback says — current details and notifications — for one incident, in one place
 * so the workflow reads as its steps. `to` is the image the rollback puts back. Pure. */
export function guardTexts(
  input: Pick<DeployGuardInput, 'service' | 'strategy' | 'incident'> & { approval: { timeoutMs: number } },
  to: string,
) {
  const { service, strategy, incident } = input;
  const what = `${service}: ${incident.fromImage} → ${to} (${strategy})`;
  const why = `${incident.container} turned unhealthy at ${incident.at}, after the deploy that finished at ${incident.deployFinishedAt}`;
  const ask = `Approve: signal \`approve\` {"comment": "<why>"} — or \`dockhand approve ${service}\`; reject with \`reject\`. Without an answer within ${input.approval.timeoutMs / 1000}s nothing changes.`;
  const by = (a: Pick<ApprovalDecision, 'by'>, how: string) => (a.by ? `${how} ${a.by}` : '');
  return {
    what,
    why,
    asking: `deploy guard wants to roll back ${what}: ${why}.\n\n${ask}`,
    answered: (a: Pick<ApprovalDecision, 'outcome' | 'by'>) =>
      `rollback of ${what} ${a.outcome}${by(a, ' by')}; nothing changed`,
    approvalNote: {
      key: 'approval',
      kind: 'waiting',
      answerable: true,
      service,
      severity: 'warning',
      title: `deploy guard: roll back ${service}? (awaiting approval)`,
      text: `${why}. Rollback ${what}. ${ask}`,
    } satisfies IncidentNote,
    rolledBackNote: (a: Pick<ApprovalDecision, 'by'>): IncidentNote => ({
      key: 'rolled-back',
      kind: 'rolled-back',
      service,
      severity: 'warning',
      title: `deploy guard rolled back ${service} to ${to}`,
      text: `${why}. Rolled back ${what}${by(a, ', approved by')}.`,
    }),
    failedNote: (message: string): IncidentNote => ({
      key: 'failed',
      kind: 'failed',
      service,
      severity: 'critical',
      title: `deploy guard could not roll back ${service}`,
      text: `${why}. Rollback ${what} failed: ${message}`,
    }),
  };
}
