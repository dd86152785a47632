import type { ContainerSpec } from '../spec/container-spec';
import type { HardenPolicy, HardeningChange } from './harden';

const PRIVILEGED_PORT_LIMIT = 1024;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A field hardening wants (`security.capDrop`), the value it wants, and the scan rule that asks for it. */
type Want = Pick<HardeningChange, 'ruleId' | 'field' | 'to'>;

/** What an unset field means, by the type of the wanted value: no list, off, no limit, no tmpfs. */
const unset = (to: unknown) =>
  Array.isArray(to) ? [] : typeof to === 'boolean' ? false : typeof to === 'number' ? 0 : {};

/** The CIS benchmark's container settings, in the order the changes are listed. A set memory or pids
 * limit is the operator's choice and stays (only a missing one is added). */
function hardeningWants(spec: ContainerSpec, exposedPorts: number[], policy: HardenPolicy): Want[] {
  const { security = {}, resources = {} } = spec;
  const lowPort = [...spec.ports.map((p) => p.container), ...exposedPorts].some((p) => p < PRIVILEGED_PORT_LIMIT);
  const capAdd = [...new Set([...policy.keepCapabilities, ...(lowPort ? ['NET_BIND_SERVICE'] : [])])].sort();
  const taken = new Set([...Object.keys(security.tmpfs ?? {}), ...(spec.mounts ?? []).map((m) => m.target)]);
  const tmpfs = {
    ...security.tmpfs,
    ...Object.fromEntries(Object.entries(policy.tmpfs).filter(([path]) => !taken.has(path))),
  };
  const securityOpt = (security.securityOpt ?? []).filter((o) => !/^seccomp[=:]unconfined$/.test(o));
  const noPidsLimit = !resources.pidsLimit || resources.pidsLimit <= 0;
  return [
    { ruleId: 'CIS-5.4', field: 'security.capDrop', to: ['ALL'] },
    { ruleId: 'CIS-5.4', field: 'security.capAdd', to: capAdd },
    { ruleId: 'CIS-5.5', field: 'security.privileged', to: false },
    ...(resources.memory ? [] : [{ ruleId: 'CIS-5.11', field: 'resources.memory', to: policy.memory }]),
    { ruleId: 'CIS-5.13', field: 'security.readOnlyRootfs', to: true },
    { ruleId: 'CIS-5.13', field: 'security.tmpfs', to: tmpfs },
    { ruleId: 'CIS-5.22', field: 'security.securityOpt', to: securityOpt },
    { ruleId: 'CIS-5.26', field: 'security.noNewPrivileges', to: true },
    ...(noPidsLimit ? [{ ruleId: 'CIS-5.29', field: 'resources.pidsLimit', to: policy.pidsLimit }] : []),
  ];
}

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
  const sections: Record<string, Record<string, unknown>> = {
    security: { ...spec.security },
    resources: { ...spec.resources },
  };
  const changes: HardeningChange[] = [];
  for (const { ruleId, field, to } of hardeningWants(spec, exposedPorts, policy)) {
    const [section, key] = field.split('.') as [string, string];
    const from = sections[section]![key] ?? unset(to);
    if ((findings && !findings.includes(ruleId)) || same(from, to)) continue;
    changes.push({ ruleId, field, from, to });
    // An empty list or `false` is the engine's default: the spec leaves the field out.
    sections[section]![key] = same(to, unset(to)) ? undefined : to;
  }
  if (changes.length === 0) return { changes, spec };
  return { changes, spec: { ...spec, security: clean(sections.security!), resources: clean(sections.resources!) } };
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
