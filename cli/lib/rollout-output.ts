import type { WorkflowHandle } from '@temporalio/client';
import { rolloutOutcome, type RollingUpdateHandle } from '../../client/rolling-update';
import {
  rollingUpdateStatusQuery,
  type RollingUpdateResult,
  type RollingUpdateStatus,
} from '../../common/rolling-update';

/** Polls the status query and reports each change until the rollout ends. */
export async function followRollout(
  handle: WorkflowHandle,
  report?: (line: string) => void,
): Promise<RollingUpdateResult> {
  let last = '';
  let ended = false;
  const outcome = rolloutOutcome(handle as RollingUpdateHandle).finally(() => (ended = true));
  while (!ended) {
    const s = await handle.query(rollingUpdateStatusQuery).catch(() => undefined);
    const line = s && describe(s);
    if (line && line !== last) report?.((last = line));
    await Promise.race([outcome.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
  }
  return outcome;
}

function describe(s: RollingUpdateStatus): string {
  const batch = s.currentBatch ? ` batch ${s.currentBatch}/${s.batches} (slots ${s.currentSlots.join(',')})` : '';
  const failures = s.failures.length ? `, ${s.failures.length} failure(s): ${s.failures.at(-1)!.name}` : '';
  const waiting = s.waitingFor
    ? ` — waiting for ${s.waitingFor} (dockhand approve|reject, or signal resume|rollback in the UI)`
    : '';
  return `[${s.phase}] ${s.done}/${s.total} replicas done${batch}${failures}${waiting}`;
}

export function rolloutSummary(r: RollingUpdateResult): string {
  const lines = [
    `${r.service}: ${r.outcome} (${r.image})`,
    `  updated: ${r.updated.join(', ') || '-'}`,
    `  skipped: ${r.skipped.join(', ') || '-'}`,
  ];
  if (r.removed.length) lines.push(`  removed: ${r.removed.join(', ')}`);
  if (r.rolledBack.length) lines.push(`  rolled back: ${r.rolledBack.join(', ')}`);
  if (r.reason) lines.push(`  why: ${r.reason}`);
  for (const f of r.failures) lines.push(`  failure ${f.name}: ${f.reason.split('\n')[0]}`);
  return lines.join('\n');
}
