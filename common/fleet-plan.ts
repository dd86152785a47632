import type { BootLimit, HostFailure, HostLossPolicy, HostProgress } from './fleet';

/**
 * The decisions of a change across hosts, as pure functions (tested by exact equality in
 * test/unit/fleet/fleet-plan.test.ts); the fleet workflows only carry them out.
 */

/** How many hosts boot at once: a number (at most all), or a percentage of the hosts rounded up
 * (at least one), as Kamal reads `boot.limit`. */
export function bootLimitOf(limit: BootLimit, hostCount: number): number {
  const n = typeof limit === 'number' ? limit : Math.ceil((hostCount * Number(limit.slice(0, -1))) / 100);
  return Math.max(1, Math.min(hostCount, n));
}

/** The hosts in boot batches of at most `limit`, in the order given. */
export function bootBatches(hosts: string[], limit: BootLimit): string[][] {
  const size = bootLimitOf(limit, hosts.length);
  const batches: string[][] = [];
  for (let i = 0; i < hosts.length; i += size) batches.push(hosts.slice(i, i + size));
  return batches;
}

/** What a fleet change does after a step failed on some hosts. */
export type AfterHostFailures =
  { action: 'rollback'; reason: string } | { action: 'continue'; without: string[]; reason: string };

/**
 * All or none, unless the service allows fewer: any failure of a host that still answers rolls the
 * whole fleet back (its new version is wrong, and would be wrong elsewhere); hosts that stopped
 * answering are left behind only under policy `continue`, and only while at least `minHosts` hosts
 * remain.
 */
export function afterHostFailures(
  active: string[],
  failures: HostFailure[],
  policy: HostLossPolicy,
): AfterHostFailures {
  const reason = failures.map((f) => `host ${f.host}${f.lost ? ' stopped answering' : ''}: ${f.cause}`).join('; ');
  if (failures.some((f) => !f.lost)) return { action: 'rollback', reason };
  if (policy.policy === 'rollback') return { action: 'rollback', reason: `${reason} (host-loss policy: rollback)` };
  const without = failures.map((f) => f.host);
  const left = active.filter((h) => !without.includes(h)).length;
  const min = policy.minHosts ?? active.length;
  if (left < min) return { action: 'rollback', reason: `${reason}; ${left} hosts left, fewer than minHosts ${min}` };
  return { action: 'continue', without, reason: `${reason}; continuing on ${left} hosts (minHosts ${min})` };
}

/** The per-host lines of the Web UI's current details ("- `fleet1` **switched** — …"). */
export function hostLines(hosts: HostProgress[]): string {
  return hosts.map((h) => `- \`${h.host}\` **${h.step}**${h.details ? ` — ${h.details}` : ''}`).join('\n');
}

/** What one host changes in a fleet blue-green deploy, for the approval text. */
export interface HostChange {
  host: string;
  from?: { name: string; image: string };
  to: { name: string; image: string };
}

/** The one approval of a fleet: what changes on every host and how to answer. */
export function fleetApprovalDetails(a: {
  service: string;
  workflowId: string;
  changes: HostChange[];
  timeoutAt: string;
  approvers: string[];
}): string {
  const who = a.approvers.length ? ` Only ${a.approvers.join(', ')} may answer.` : '';
  const lines = a.changes.map(
    (c) =>
      `- \`${c.host}\`: ${c.from ? `${c.from.name} (${c.from.image})` : 'nothing (first deploy)'} → ${c.to.name} (${c.to.image}), healthy, not yet serving`,
  );
  return [
    `deploy of ${a.service} to ${a.changes.length} hosts waits for ONE approval for all of them.${who}`,
    lines.join('\n'),
    `Approve: "Send a Signal" → name \`approve\`, input \`{"comment": "<why>"}\` — or \`dockhand approve ${a.service}\`. Every edge then switches; a failure on any host before the bake ends switches every host back.`,
    `Reject: signal \`reject\` with the same input — or \`dockhand reject ${a.service} --comment "<why>"\`.`,
    `Without an answer by ${a.timeoutAt} the deploy is rejected. Workflow: ${a.workflowId}.`,
  ].join('\n\n');
}
