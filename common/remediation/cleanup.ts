import { z } from 'zod';
import { ApprovalPolicy, DEFAULT_APPROVAL, type ApprovalDecision } from '../approval';
import { DOCKER_NAME } from '../spec/container-spec';
import { durationMs } from '../spec/schema-helpers';
import { Labels } from '../labels';

const labelFilter = z.string().regex(/^[^=\s]+(=.*)?$/, 'expected "key" or "key=value"');

/** Clean-up of what Dockhand owns on one host (its labels; never anything else). */
export const CleanupInput = z.strictObject({
  host: z.string().regex(DOCKER_NAME, 'not a host id'),
  /** Only this service's leftovers. */
  service: z.string().min(1).optional(),
  /** Extra label filters narrowing the clean-up ("team=web", "dockhand.test=abc"), all must match. */
  labels: z.array(labelFilter).default([]),
  /** Leave alone what stopped (or was made) less than this long ago: a container stopped minutes ago
   * may be a deploy's rollback target (blue-green keeps the old color stopped during its bake). */
  minAge: durationMs.default(60 * 60_000),
  /** List what would be removed; remove nothing. */
  dryRun: z.boolean().default(false),
  /** More items than this need a person's approval (when the approval policy requires it). */
  threshold: z.number().int().min(0).default(10),
  approval: ApprovalPolicy.default(DEFAULT_APPROVAL),
});
export type CleanupInput = z.output<typeof CleanupInput>;
export type CleanupRequest = z.input<typeof CleanupInput>;

/** Something the clean-up would remove. */
export interface CleanupItem {
  kind: 'container' | 'network' | 'image';
  id: string;
  name: string;
  /** Why it is garbage: "exited (0)", "no container attached", "dangling". */
  detail: string;
  /** A container's service (its Dockhand label): spared while that service's change runs. */
  service?: string;
}

export interface CleanupOutcome {
  item: CleanupItem;
  /** gone: it was already removed (by someone else, or an earlier attempt) — fine. */
  outcome: 'removed' | 'gone' | 'skipped';
  /** Why it was skipped (the engine's answer, e.g. the image is used by a container). */
  reason?: string;
}

export interface CleanupResult {
  host: string;
  dryRun: boolean;
  /** Everything found (what a dry run would remove). */
  items: CleanupItem[];
  /** Removed now, or already gone. */
  removed: CleanupItem[];
  skipped: Array<{ item: CleanupItem; reason: string }>;
  approval?: ApprovalDecision;
}

/** The label filters of a clean-up: Dockhand's ownership label always, then the narrowing ones. */
export function cleanupFilters(input: Pick<CleanupInput, 'service' | 'labels'>): string[] {
  return [`${Labels.managed}=true`, ...(input.service ? [`${Labels.service}=${input.service}`] : []), ...input.labels];
}

/** Removal order: containers first (they hold networks and images), then networks, then images. */
export function removalOrder(items: CleanupItem[]): CleanupItem[][] {
  return (['container', 'network', 'image'] as const)
    .map((kind) => items.filter((i) => i.kind === kind))
    .filter((g) => g.length > 0);
}

export function cleanupApprovalDetails(a: {
  host: string;
  items: CleanupItem[];
  threshold: number;
  workflowId: string;
  timeoutAt: string;
}): string {
  const count = (k: CleanupItem['kind']) => a.items.filter((i) => i.kind === k).length;
  return [
    `clean-up on ${a.host} would remove ${a.items.length} items (more than ${a.threshold}): ${count('container')} stopped containers, ${count('network')} unused networks, ${count('image')} dangling images — all carrying Dockhand's labels.`,
    a.items
      .slice(0, 50)
      .map((i) => `- ${i.kind} ${i.name} (${i.detail})`)
      .join('\n') + (a.items.length > 50 ? `\n- … and ${a.items.length - 50} more` : ''),
    `Approve: "Send a Signal" → name \`approve\`, input \`{"comment": "<why>"}\` — or \`dockhand approve ${a.workflowId}\`.`,
    `Reject: signal \`reject\` — or \`dockhand reject ${a.workflowId}\`. Without an answer by ${a.timeoutAt} nothing is removed.`,
  ].join('\n\n');
}

/** Splits the items into those that may go and the containers of services whose change is running
 * (`deploy/<service>` open): those may be its rollback targets — a paused rollout's `-prev`, the old
 * color stopped during a bake — and stay (review M4). */
export function spareRunningChanges(
  items: CleanupItem[],
  running: string[],
): { items: CleanupItem[]; spared: Array<{ item: CleanupItem; reason: string }> } {
  const busy = new Set(running);
  const held = (i: CleanupItem) => i.kind === 'container' && i.service !== undefined && busy.has(i.service);
  return {
    items: items.filter((i) => !held(i)),
    spared: items.filter(held).map((item) => ({
      item,
      reason: `a change of ${item.service} is running (deploy/${item.service}): it may need it`,
    })),
  };
}

/** The services of the containers among `items`, each once. */
export function servicesOf(items: CleanupItem[]): string[] {
  return [...new Set(items.flatMap((i) => (i.kind === 'container' && i.service ? [i.service] : [])))].sort();
}

/** An item left in place, and why. */
export type SparedItem = CleanupResult['skipped'][number];

/** The result of a clean-up that ran: what was removed (or already gone), what was skipped — spared before
 * the removal or refused by the engine — and everything found. Pure. */
export function cleanupResult(
  run: Pick<CleanupResult, 'host' | 'dryRun' | 'approval'>,
  items: CleanupItem[],
  spared: SparedItem[],
  removals: CleanupOutcome[],
): CleanupResult {
  const outcomes: CleanupOutcome[] = [...spared.map((s) => ({ ...s, outcome: 'skipped' as const })), ...removals];
  const removed = outcomes.filter((o) => o.outcome !== 'skipped').map((o) => o.item);
  const skipped = outcomes
    .filter((o) => o.outcome === 'skipped')
    .map((o) => ({ item: o.item, reason: o.reason ?? 'refused by the engine' }));
  const { approval, ...rest } = run;
  return {
    ...rest,
    items: [...items, ...spared.map((s) => s.item)],
    removed,
    skipped,
    ...(approval ? { approval } : {}),
  };
}
