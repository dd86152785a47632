import type { BootLimit } from './fleet';
import { bootBatches } from './fleet-plan';
import type { RollingUpdateResult } from './rolling-update';

/**
 * The decisions of a fleet rolling update as pure functions (test/unit/fleet/fleet-rolling-plan.test.ts);
 * workflows/fleet-rolling-update.ts only carries them out.
 */

/** The hosts in waves of at most `maxHostsAtOnce`, in the order of `hosts`: a wave starts once every
 * host of the one before holds (all its replicas rolled and healthy). */
export function hostWaves(hosts: string[], maxHostsAtOnce: BootLimit): string[][] {
  return bootBatches(hosts, maxHostsAtOnce);
}

/** Where the one approval of the fleet goes: after the first wave (a canary across hosts; with one
 * wave, before the fleet commits), or nowhere. */
export function approvalAfterWave(required: boolean): number | undefined {
  return required ? 1 : undefined;
}

/**
 * How one host's rollout ended once the fleet rolled back: as before (every changed replica put back),
 * or not (what its rollout could not put back). `result` is the rollout's result (its failure details
 * when it rolled back), absent when the host never started.
 */
export function hostAfterRollback(result: Pick<RollingUpdateResult, 'outcome' | 'left'> | undefined): {
  step: string;
  details: string;
} {
  if (!result) return { step: 'rolled back', details: 'not started: nothing changed' };
  if (result.left?.length) return { step: 'NOT as before', details: result.left.join('; ') };
  if (result.outcome === 'rolled-back') return { step: 'rolled back', details: 'every changed replica put back' };
  return { step: 'NOT as before', details: `its rollout ended ${result.outcome} after the fleet committed` };
}

/** The one approval's text: which hosts run the new image, which are still to go, and how to answer. */
export function fleetRollingApprovalDetails(a: {
  service: string;
  image: string;
  workflowId: string;
  rolled: string[];
  toGo: string[];
  timeoutAt: string;
  approvers: string[];
}): string {
  const who = a.approvers.length ? ` Only ${a.approvers.join(', ')} may answer.` : '';
  const next = a.toGo.length
    ? `Approve: the rest (${a.toGo.join(', ')}) roll, then every host commits.`
    : 'Approve: every host commits (the replaced replicas are removed).';
  return [
    `rolling update of ${a.service} to ${a.image} waits for ONE approval for the fleet.${who}`,
    `Rolled and holding (replaced replicas kept): ${a.rolled.join(', ')}.${a.toGo.length ? ` Still to roll: ${a.toGo.join(', ')}.` : ''}`,
    `${next} Signal \`approve\` \`{"comment": "<why>"}\` — or \`dockhand approve ${a.service}\`.`,
    `Reject: signal \`reject\` — or \`dockhand reject ${a.service} --comment "<why>"\`: every host puts its replicas back.`,
    `Without an answer by ${a.timeoutAt} the rollout is rejected. Workflow: ${a.workflowId}.`,
  ].join('\n\n');
}
