import { patched, workflowInfo } from '@temporalio/workflow';
import {
  cleanupApprovalDetails,
  cleanupFilters,
  cleanupResult,
  CleanupInput,
  removalOrder,
  servicesOf,
  spareRunningChanges,
  type CleanupItem,
  type CleanupOutcome,
  type CleanupRequest,
  type CleanupResult,
} from '../common/remediation/cleanup';
import { validate } from '../common/spec/validate';
import { ApprovalGate } from './lib/approval-gate';
import { askApproval } from './lib/ask-approval';
import { mapBounded } from './lib/bounded';
import { hostAgent, orchestratorActivities } from './lib/activity-options';
import { remediationProgress } from './lib/progress';
import { tagWorkflow } from './lib/workflow-tags';

/** Removals in flight at once: the engine serialises most of them anyway. */
const REMOVALS_AT_ONCE = 4;

/**
 * Clean-up — the seed's "docker rm the stopped ones, prune images and networks", limited to what
 * Dockhand owns (its labels, narrowed by service and label filters): list, stop there on a dry run,
 * ask a person when the list is longer than the threshold, then remove each item, never by force.
 * The result says what was removed and what was skipped and why.
 */
export async function remediateCleanup(request: CleanupRequest): Promise<CleanupResult> {
  const input = validate(CleanupInput, request, 'input');
  const { host, dryRun } = input;
  const docker = hostAgent(host);
  const changes = orchestratorActivities();
  const gate = new ApprovalGate(input.approval, { subject: `the clean-up of ${host}`, host });
  const progress = remediationProgress();
  tagWorkflow({ host });

  const labels = cleanupFilters(input);
  progress.enter(
    'listing',
    `stopped containers, unused networks and dangling images on ${host} labelled ${labels.join(', ')}, untouched for ${input.minAge / 60_000} min`,
  );
  const listed = await docker.listCleanupCandidates({ labels, minAgeMs: input.minAge });
  // Containers of a service whose change is running stay: they may be its rollback targets (M4).
  const spareChanges = patched('cleanup-spares-running-changes');
  const spare = async (items: CleanupItem[]) =>
    spareChanges
      ? spareRunningChanges(items, await changes.runningChanges({ services: servicesOf(items) }))
      : { items, spared: [] };
  let { items, spared } = await spare(listed);
  if (dryRun) {
    progress.enter('done', `dry run: ${items.length} item(s) would be removed; nothing changed`);
    return { host, dryRun, items, removed: [], skipped: spared };
  }

  const approval = await askIfLong(gate, progress, input, items);
  if (approval && spareChanges) {
    // The approval may have taken half an hour: a change may have started meanwhile.
    const again = await spare(items);
    items = again.items;
    spared = [...spared, ...again.spared];
  }
  progress.enter('removing', `${items.length} item(s) on ${host}`);
  // Each item is checked again at removal (still stopped, still Dockhand's, still old enough).
  const check = spareChanges ? { minAgeMs: input.minAge } : {};
  const removals: CleanupOutcome[] = [];
  for (const group of removalOrder(items))
    removals.push(
      ...(await mapBounded(group, REMOVALS_AT_ONCE, (item) => docker.removeCleanupItem({ item, ...check }))),
    );
  const result = cleanupResult({ host, dryRun, approval }, items, spared, removals);
  progress.enter('done', `${result.removed.length} removed, ${result.skipped.length} skipped on ${host}`);
  return result;
}

/** A list longer than the threshold waits for a person's approval (when the input asks for one); a rejection
 * or no answer in time ends the clean-up with nothing removed. */
async function askIfLong(
  gate: ApprovalGate,
  progress: ReturnType<typeof remediationProgress>,
  input: CleanupInput,
  items: CleanupItem[],
): Promise<CleanupResult['approval']> {
  const { host, threshold } = input;
  if (!(items.length > threshold && input.approval.required)) return undefined;
  return askApproval(gate, progress, {
    policy: input.approval,
    details: (timeoutAt) =>
      cleanupApprovalDetails({ host, items, threshold, workflowId: workflowInfo().workflowId, timeoutAt }),
    ifNot: 'nothing is removed',
    onTimeout: 'nothing removed',
    onReject: 'nothing removed',
  });
}
