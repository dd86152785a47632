import type { ContainerSpec } from '../spec/container-spec';
import type { HardenPolicy, HardeningChange } from './harden';

const PRIVILEGED_PORT_LIMIT = 1024;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The hardened spec of a container and the list of what changes, old → new. Pure. `findings` (scan
 * rule ids) limits the changes to those that answer them; without it every change the current spec
 * lacks is made. A change whose field is already safe is left out, so a hardened container plans none.
 * `exposedPorts` are the container ports its image exposes: one below 1024 keeps NET_BIND_SERVICE.
 */
export function planHardening(
  spec: ContainerSpec,
  exposedPorts: number[],
  findings: string[] | undefined,
  policy: HardenPolicy,
): { changes: HardeningChange[]; spec: ContainerSpec } {
  const wanted = (id: string) => findings === undefined || findings.includes(id);
  const security = { ...spec.security };
  const resources = { ...spec.resources };
  const changes: HardeningChange[] = [];
  const change = (ruleId: string, field: string, from: unknown, to: unknown, apply: () => void) => {
    if (!wanted(ruleId) || same(from, to)) return;
    changes.push({ ruleId, field, from, to });
    apply();
  };

  const lowPort = [...spec.ports.map((p) => p.container), ...exposedPorts].some((p) => p < PRIVILEGED_PORT_LIMIT);
  const needed = [...new Set([...policy.keepCapabilities, ...(lowPort ? ['NET_BIND_SERVICE'] : [])])].sort();
  change('CIS-5.4', 'security.capDrop', security.capDrop ?? [], ['ALL'], () => (security.capDrop = ['ALL']));
  change(
    'CIS-5.4',
    'security.capAdd',
    security.capAdd ?? [],
    needed,
    () => (security.capAdd = needed.length ? needed : undefined),
  );
  change(
    'CIS-5.5',
    'security.privileged',
    security.privileged ?? false,
    false,
    () => (security.privileged = undefined),
  );
  if (!resources.memory)
    change(
      'CIS-5.11',
      'resources.memory',
      resources.memory ?? 0,
      policy.memory,
      () => (resources.memory = policy.memory),
    );
  change(
    'CIS-5.13',
    'security.readOnlyRootfs',
    security.readOnlyRootfs ?? false,
    true,
    () => (security.readOnlyRootfs = true),
  );
  const taken = new Set([...Object.keys(security.tmpfs ?? {}), ...(spec.mounts ?? []).map((m) => m.target)]);
  const tmpfs = {
    ...security.tmpfs,
    ...Object.fromEntries(Object.entries(policy.tmpfs).filter(([path]) => !taken.has(path))),
  };
  change('CIS-5.13', 'security.tmpfs', security.tmpfs ?? {}, tmpfs, () => (security.tmpfs = tmpfs));
  const opts = (security.securityOpt ?? []).filter((o) => !/^seccomp[=:]unconfined$/.test(o));
  change(
    'CIS-5.22',
    'security.securityOpt',
    security.securityOpt ?? [],
    opts,
    () => (security.securityOpt = opts.length ? opts : undefined),
  );
  change(
    'CIS-5.26',
    'security.noNewPrivileges',
    security.noNewPrivileges ?? false,
    true,
    () => (security.noNewPrivileges = true),
  );
  if (!resources.pidsLimit || resources.pidsLimit <= 0)
    change(
      'CIS-5.29',
      'resources.pidsLimit',
      resources.pidsLimit ?? 0,
      policy.pidsLimit,
      () => (resources.pidsLimit = policy.pidsLimit),
    );

  if (changes.length === 0) return { changes, spec };
  return { changes, spec: { ...spec, security: clean(security), resources: clean(resources) } };
}

/** Drops keys left undefined, so the spec (and its hash) carries only what is set. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** One line per change for the approval text: `security.capDrop: [] → ["ALL"] (CIS-5.4)`. */
export function describeChanges(changes: HardeningChange[]): string[] {
  return changes.map((c) => `${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)} (${c.ruleId})`);
}

/** The Web UI's current details while hardening waits for a person: what changes and how to answer. */
export function hardenApprovalDetails(a: {
  container: string;
  host: string;
  changes: HardeningChange[];
  workflowId: string;
  timeoutAt: string;
  approvers: string[];
}): string {
  const who = a.approvers.length ? ` Only ${a.approvers.join(', ')} may answer.` : '';
  return [
    `hardening of ${a.container} on ${a.host} waits for approval. The container is recreated with (old → new):`,
    describeChanges(a.changes)
      .map((l) => `- ${l}`)
      .join('\n'),
    `The hardened copy runs beside it and must become healthy before the old one goes; on any failure the old one stays.${who}`,
    `Approve: "Send a Signal" → name \`approve\`, input \`{"comment": "<why>"}\` — or \`dockhand approve ${a.container} --host ${a.host}\`.`,
    `Reject: signal \`reject\` with the same input — or \`dockhand reject ${a.container} --host ${a.host} --comment "<why>"\`.`,
    `Without an answer by ${a.timeoutAt} nothing is changed. Workflow: ${a.workflowId}.`,
  ].join('\n\n');
}
