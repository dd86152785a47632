import { MemoryPressureInput, planMemory, type MemoryChange, type MemoryPressureRequest, type MemoryPressureResult } from '../common/remediation/memory-pressure';
import { sleep } from '@temporalio/workflow';
import { validate } from '../common/spec/validate';
import { remediationActivities } from './lib/remediation-activities';
import { notifyOnce, RemediationInbox } from './lib/remediation-state';

/**
 * Gives a container under memory pressure more memory — the seed's resource manager, bounded: raise
 * the limit by a factor up to a ceiling (live `update` while it runs; after an OOM kill, update and
 * start it again), record every change, and at the ceiling notify people instead of changing anything.
 */
export async function memoryPressure(request: MemoryPressureRequest): Promise<MemoryPressureResult> {
  const { host, container, policy, manual } = validate(MemoryPressureInput, request, 'input');
  const docker = remediationActivities(host);
  const inbox = new RemediationInbox(manual ? 1 : 0);
  const changes: MemoryChange[] = [];
  inbox.status.changes = changes;

  while (await inbox.next(policy.idleMs)) {
    const c = await docker.containerCondition({ name: container });
    if (!c) break; // gone: nothing left to remediate
    const decision = planMemory(c.memoryBytes, policy);
    if (decision.action === 'none') continue;
    if (decision.action === 'notify') {
      inbox.phase('at-ceiling', decision.reason);
      await notifyOnce(host, container, 'ceiling', 'warning', `${container} on ${host} needs more memory than the ceiling`, `${decision.reason}; no change made.`);
      return { container, changes, ceilingReached: true };
    }
    const reason = c.running ? 'memory pressure (live update)' : `stopped${c.oomKilled ? ' after an OOM kill' : ''} (update and start)`;
    inbox.phase('raising', `${container}: memory ${c.memoryBytes} → ${decision.to} bytes; ${reason}`);
    await docker.updateMemory({ name: container, memoryBytes: decision.to });
    const restarted = await startIfKilled(docker, container, c.running);
    changes.push({ from: c.memoryBytes, to: decision.to, restarted, reason });
  }
  inbox.phase('done', `${container}: ${changes.length} change(s)`);
  return { container, changes, ceilingReached: false };
}

/** The engine reports "oom" a moment before the killed container's "die": a container that was still
 * running when we looked gets a short settle time, and is started again if the kill stopped it. */
async function startIfKilled(docker: ReturnType<typeof remediationActivities>, container: string, wasRunning: boolean): Promise<boolean> {
  if (wasRunning) {
    await sleep(OOM_SETTLE_MS);
    if ((await docker.containerCondition({ name: container }))?.running !== false) return false;
  }
  await docker.startStoppedContainer({ name: container });
  return true;
}
const OOM_SETTLE_MS = 2_000;
