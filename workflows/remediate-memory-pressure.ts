import { continueAsNew, patched, sleep } from '@temporalio/workflow';
import {
  MemoryPressureInput,
  memoryChangeOf,
  planMemoryChange,
  type MemoryChange,
  type MemoryPolicy,
  type MemoryRaise,
  type MemoryPressureRequest,
  type MemoryPressureResult,
} from '../common/remediation/memory-pressure';
import { validate } from '../common/spec/validate';
import { hostAgent, type HostAgent } from './lib/activity-options';
import { notifyOnce, RemediationInbox } from './lib/remediation-state';

/**
 * Gives a container under memory pressure more memory — the seed's resource manager, bounded: on a
 * sample above the threshold (`memory_pressure`, from the host agent's stats sampling) or an `oom`
 * event, raise the limit by a factor up to a ceiling — live (`update`, memory and swap together)
 * while it runs, or, when the OOM kill stopped it, recreate it under the same name with the same spec
 * and more memory. Every change is in the result, the status query and a notification; at the
 * ceiling people are told once and nothing changes.
 */
export async function memoryPressure(request: MemoryPressureRequest): Promise<MemoryPressureResult> {
  const { host, container, policy, manual, carried } = validate(MemoryPressureInput, request, 'input');
  const docker = hostAgent(host);
  const inbox = new RemediationInbox(manual ? 1 : (carried?.pending ?? 0));
  const changes: MemoryChange[] = [...(carried?.changes ?? [])];
  inbox.status.changes = changes;
  inbox.status.events += carried?.events ?? 0; // += : signals buffered for this run were counted already

  for (;;) {
    await inbox.continueAsNewWhenDue(policy.eventsPerRun, ({ events, pending }) =>
      continueAsNew<typeof memoryPressure>({
        host,
        container,
        policy,
        manual: false,
        carried: { changes, events, pending },
      }),
    );
    if (!(await inbox.next(policy.idleMs))) break;
    const oomAtMs = inbox.last?.action === 'oom' ? Number(BigInt(inbox.last.timeNano) / 1_000_000n) : undefined;
    const c = await settled(docker, container, oomAtMs !== undefined);
    if (!c) break; // gone: nothing left to remediate
    const oomId = oomAtMs !== undefined && patched(OOM_STALE_BY_ID) ? inbox.last?.id : undefined;
    const plan = planMemoryChange(c, policy, oomAtMs, oomId);
    if (plan.action === 'none') continue;
    if (plan.action === 'notify') {
      inbox.phase('at-ceiling', plan.reason);
      await notifyOnce(host, container, {
        key: 'ceiling',
        kind: 'remediation',
        severity: 'warning',
        title: `${container} on ${host} needs more memory than the ceiling`,
        text: `${plan.reason}; no change made.`,
      });
      return { container, changes, ceilingReached: true };
    }
    await raise(docker, inbox, changes, { host, container, policy, c, plan });
  }
  inbox.phase('done', `${container}: ${changes.length} change(s)`);
  return { container, changes, ceilingReached: false };
}

/** Raises the limits as planned — live, or by recreating the OOM-killed container — and tells people. */
async function raise(
  docker: HostAgent,
  inbox: RemediationInbox,
  changes: MemoryChange[],
  o: { host: string; container: string; policy: MemoryPolicy; c: Condition; plan: MemoryRaise },
): Promise<void> {
  const { host, container, c, plan } = o;
  const { memory, memorySwap } = plan.limits;
  inbox.phase(
    'raising',
    `${container}: memory ${c.memoryBytes} → ${memory} bytes (swap limit ${c.memorySwapBytes} → ${memorySwap}); ${plan.reason}`,
  );
  if (plan.action === 'live-update') await updateMemoryLive(docker, container, memory, memorySwap);
  else await docker.recreateWithMemory({ name: container, limits: plan.limits });
  changes.push(memoryChangeOf(c, plan, new Date().toISOString()));
  await notifyOnce(host, container, {
    key: `change-${changes.length}`,
    kind: 'remediation',
    severity: 'info',
    title: `${container} on ${host}: memory ${c.memoryBytes} → ${memory} bytes (${plan.action})`,
    text: `${plan.reason}. Swap limit ${c.memorySwapBytes} → ${memorySwap}. Ceiling ${o.policy.ceiling}.`,
  });
}
type Condition = Parameters<typeof planMemoryChange>[0];

/** The container's condition; after an oom, once it has stopped or OOM_SETTLE_MS have passed: the
 * engine reports "oom" a moment before the killed container's "die" (a kill of a child process may
 * leave it running: then it gets a live raise). */
async function settled(docker: HostAgent, container: string, afterOom: boolean) {
  let c = await docker.containerCondition({ name: container });
  for (let waited = 0; afterOom && c?.running && waited < OOM_SETTLE_MS; waited += OOM_POLL_MS) {
    await sleep(OOM_POLL_MS, { summary: `let ${container} settle after the OOM kill` });
    c = await docker.containerCondition({ name: container });
  }
  return c;
}
const OOM_SETTLE_MS = 10_000;
/** Runs since tell a stale oom event by its container id, not by time (an OOM in a container's first
 * milliseconds comes before the start the engine records). */
const OOM_STALE_BY_ID = 'oom-stale-by-container-id';
const OOM_POLL_MS = 1_000;

/** `docker update` of memory and swap through the one container update activity. Runs recorded before
 * the patch scheduled the remediation-only `updateMemory`, which stays on the agent until they are gone. */
async function updateMemoryLive(docker: HostAgent, name: string, memory: number, memorySwap: number): Promise<void> {
  if (patched('memory-via-update-container'))
    // MemorySwap 0 means "not set" to the Engine: leaving it out of the update is the same request.
    await docker.updateContainer({ name, resources: { memory, ...(memorySwap !== 0 ? { memorySwap } : {}) } });
  else await docker.updateMemory({ name, memoryBytes: memory, memorySwapBytes: memorySwap });
}
