import { z } from 'zod';
import { BlueGreenInput } from '../blue-green';
import { canaryPolicy } from '../canary';
import { CanaryInput } from '../canary-deploy';
import type { ChangeOriginInput } from '../change-origin';
import { FleetBlueGreenInput } from '../fleet-blue-green';
import { FleetCanaryInput } from '../fleet-canary';
import { FleetRollingInput } from '../fleet-rolling';
import { RollingUpdateInput } from '../rolling-update';
import { approvalOverrideProblems } from './approval-overrides';
import { ServiceDecl, type ServiceFile, type ServiceStrategy } from './schema';

/** A bad file, service or request: every issue with its path in the file (`services.api.port`). */
export class ServiceFileError extends Error {
  constructor(readonly issues: Array<{ path: Array<string | number>; message: string }>) {
    super(issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; '));
  }
}

/** What one deploy may change for one run only (CLI flags, a CI request): fields of a service. */
export const ServiceOverrides = ServiceDecl.partial();
export type ServiceOverrides = z.input<typeof ServiceOverrides>;

export interface DeployRequestOptions {
  image?: string;
  host?: string;
  overrides?: ServiceOverrides;
  origin: Omit<ChangeOriginInput, 'overrides'>;
}

export type ResolvedDeploy =
  | { strategy: 'blue-green'; workflowType: 'blueGreenDeploy'; service: string; host: string; input: BlueGreenInput }
  | {
      strategy: 'blue-green';
      workflowType: 'fleetBlueGreenDeploy';
      service: string;
      /** The hosts, comma-separated (for lines that name where a change runs). */
      host: string;
      hosts: string[];
      input: FleetBlueGreenInput;
    }
  | { strategy: 'rolling'; workflowType: 'rollingUpdate'; service: string; host: string; input: RollingUpdateInput }
  | {
      strategy: 'rolling';
      workflowType: 'fleetRollingUpdate';
      service: string;
      /** The hosts, comma-separated. */
      host: string;
      hosts: string[];
      input: FleetRollingInput;
    }
  | { strategy: 'canary'; workflowType: 'canaryDeploy'; service: string; host: string; input: CanaryInput }
  | {
      strategy: 'canary';
      workflowType: 'fleetCanaryDeploy';
      service: string;
      /** The hosts, comma-separated. */
      host: string;
      hosts: string[];
      input: FleetCanaryInput;
    };

/** The built-in defaults: what a service gets when neither it nor `defaults:` says. */
const BUILT_IN = { strategy: 'blue-green' as ServiceStrategy, port: 80 };

/** The service as declared, with `defaults:` merged in (objects field by field). */
export function serviceSettings(file: ServiceFile, name: string): ServiceDecl {
  const declared = file.services[name];
  if (!declared) {
    const names = Object.keys(file.services);
    throw new ServiceFileError([
      { path: ['services', name], message: `no such service (declared: ${names.join(', ') || 'none'})` },
    ]);
  }
  return mergeSettings(file.defaults ?? {}, declared) as ServiceDecl;
}

/** The hosts a service runs on. */
export function serviceHosts(file: ServiceFile, name: string): string[] {
  return serviceSettings(file, name).hosts ?? Object.keys(file.hosts);
}

/**
 * The deploy of `name` as the file (plus this run's overrides) says: the strategy's workflow and its
 * validated input, with the origin recording what was overridden. Throws ServiceFileError naming the
 * field when the service, the host or a value is not valid. Pure.
 */
export function resolveDeploy(file: ServiceFile, name: string, o: DeployRequestOptions): ResolvedDeploy {
  const overrides = parseOverrides(o);
  const declared = serviceSettings(file, name);
  const refused = approvalOverrideProblems(name, declared.approval, overrides.approval);
  if (refused.length) throw new ServiceFileError(refused);
  const s = mergeSettings(declared, overrides) as ServiceDecl;
  const hosts = s.hosts ?? Object.keys(file.hosts);
  const strategy = s.strategy ?? BUILT_IN.strategy;
  // Several hosts without one named is one change across all of them (a fleet).
  const fleet = o.host === undefined && hosts.length > 1;
  const host = o.host ?? hosts[0]!;
  if (!hosts.includes(host))
    throw new ServiceFileError([
      { path: ['host'], message: `"${host}" is not a host of ${name} (hosts: ${hosts.join(', ')})` },
    ]);
  const origin = { ...o.origin, overrides: describeOverrides(overrides) };
  const spec = { ...(s.container ?? {}), image: s.image };
  const approval = {
    ...(s.approval?.required !== undefined ? { required: s.approval.required } : {}),
    ...(s.approval?.timeout !== undefined ? { timeoutMs: s.approval.timeout } : {}),
    ...(s.approval?.approvers ? { approvers: s.approval.approvers } : {}),
    ...(s.approval?.requiredApprovals !== undefined ? { requiredApprovals: s.approval.requiredApprovals } : {}),
    ...(s.approval?.allowSelfApproval !== undefined ? { allowSelfApproval: s.approval.allowSelfApproval } : {}),
    ...(s.approval?.allowUnidentified !== undefined ? { allowUnidentified: s.approval.allowUnidentified } : {}),
    ...(s.approval?.systemIdentities ? { systemIdentities: s.approval.systemIdentities } : {}),
    ...(s.approval?.keys ? { keys: s.approval.keys } : {}),
    ...(s.approval?.requireSignatures !== undefined ? { requireSignatures: s.approval.requireSignatures } : {}),
  };
  const port = s.port ?? BUILT_IN.port;
  if (strategy === 'blue-green' || strategy === 'canary') {
    const request = {
      service: name,
      host,
      spec,
      appPort: port,
      approval,
      ...(s.healthTimeout !== undefined ? { healthTimeoutMs: s.healthTimeout } : {}),
      ...(s.smoke ? { smoke: s.smoke } : {}),
      ...(s.verifyPath ? { verifyPath: s.verifyPath } : {}),
      ...(s.bake !== undefined ? { bakeMs: s.bake } : {}),
      ...(s.oldColor ? { oldColorDuringBake: s.oldColor } : {}),
      edge: { ...(s.edge?.image ? { image: s.edge.image } : {}), port: s.edge?.port ?? 0, ...hostIp(s.edge) },
      origin,
    };
    if (strategy === 'canary') {
      // The schema refuses a canary service without its block; the policy is the block, parsed.
      const canary = canaryPolicy(s.canary!);
      if (fleet) return fleetCanary(name, hosts, { ...request, canary }, s);
      const input = parseAs(CanaryInput, { ...request, canary }, name);
      return { strategy, workflowType: 'canaryDeploy', service: name, host, input };
    }
    if (fleet) {
      const { host: _one, ...rest } = request;
      const fleetRequest = {
        ...rest,
        hosts,
        ...(s.boot?.limit !== undefined ? { bootLimit: s.boot.limit } : {}),
        ...(s.hostLoss ? { hostLoss: s.hostLoss } : {}),
      };
      const input = parseAs(FleetBlueGreenInput, fleetRequest, name);
      return { strategy, workflowType: 'fleetBlueGreenDeploy', service: name, host: hosts.join(','), hosts, input };
    }
    return {
      strategy,
      workflowType: 'blueGreenDeploy',
      service: name,
      host,
      input: parseAs(BlueGreenInput, request, name),
    };
  }
  const r = s.rolling ?? {};
  const request = {
    service: name,
    host,
    spec,
    ...(r.replicas !== undefined ? { replicas: r.replicas } : {}),
    ...(r.parallelism !== undefined ? { parallelism: r.parallelism } : {}),
    ...(r.order ? { order: r.order } : {}),
    ...(r.delay !== undefined ? { delay: r.delay } : {}),
    ...(r.monitor !== undefined ? { monitor: r.monitor } : {}),
    ...(s.healthTimeout !== undefined ? { healthTimeout: s.healthTimeout } : {}),
    ...(r.maxFailureRatio !== undefined ? { maxFailureRatio: r.maxFailureRatio } : {}),
    ...(r.failureAction ? { failureAction: r.failureAction } : {}),
    ...(r.canaryBatches !== undefined ? { pauseAfter: { batches: r.canaryBatches, approval } } : {}),
    ...(r.pauseEvery !== undefined ? { pauseAfter: { batches: r.pauseEvery, approval, repeat: true } } : {}),
    ...(Object.keys(approval).length > 0 ? { approval } : {}),
    ...(r.deadline !== undefined ? { deadline: r.deadline } : {}),
    edge: {
      ...(s.edge?.image ? { image: s.edge.image } : {}),
      targetPort: port,
      ports: s.edge?.port === undefined ? [] : [{ container: 80, host: s.edge.port, ...hostIp(s.edge) }],
    },
    origin,
  };
  if (fleet) return fleetRolling(name, hosts, request, s);
  return {
    strategy,
    workflowType: 'rollingUpdate',
    service: name,
    host,
    input: parseAs(RollingUpdateInput, request, name),
  };
}

/** A rolling service on several hosts: one fleet rollout. Its canary is the first wave of hosts (ONE
 * approval after it, `rolling.canaryBatches`); a gate on every host, or going on without a lost host,
 * is refused, naming the field. */
function fleetRolling(name: string, hosts: string[], request: Record<string, unknown>, s: ServiceDecl): ResolvedDeploy {
  const at = (...path: string[]) => ['services', name, ...path];
  const refused = [
    ...(s.rolling?.pauseEvery !== undefined
      ? [
          {
            path: at('rolling', 'pauseEvery'),
            message:
              'not across several hosts: the fleet asks ONE approval after its first wave (rolling.canaryBatches)',
          },
        ]
      : []),
  ];
  if (refused.length > 0) throw new ServiceFileError(refused);
  const {
    host: _one,
    pauseAfter,
    approval,
    ...rest
  } = request as { host: string; pauseAfter?: unknown; approval?: object };
  const fleetRequest = {
    ...rest,
    hosts,
    approval: { ...(approval ?? {}), required: pauseAfter !== undefined },
    ...(s.rolling?.maxHostsAtOnce !== undefined ? { maxHostsAtOnce: s.rolling.maxHostsAtOnce } : {}),
    ...(s.hostLoss !== undefined ? { hostLoss: s.hostLoss } : {}),
  };
  const input = parseAs(FleetRollingInput, fleetRequest, name);
  return {
    strategy: 'rolling',
    workflowType: 'fleetRollingUpdate',
    service: name,
    host: hosts.join(','),
    hosts,
    input,
  };
}

/** A canary service on several hosts: one canary across all of them (the same weights on every edge). */
function fleetCanary(name: string, hosts: string[], request: Record<string, unknown>, s: ServiceDecl): ResolvedDeploy {
  if (s.hostLoss?.policy === 'continue')
    throw new ServiceFileError([
      {
        path: ['services', name, 'hostLoss', 'policy'],
        message: 'a canary on several hosts rolls back when a host is lost ("continue" is for blue-green fleets)',
      },
    ]);
  const { host: _one, ...rest } = request;
  const fleetRequest = { ...rest, hosts, ...(s.boot?.limit !== undefined ? { bootLimit: s.boot.limit } : {}) };
  const input = parseAs(FleetCanaryInput, fleetRequest, name);
  return { strategy: 'canary', workflowType: 'fleetCanaryDeploy', service: name, host: hosts.join(','), hosts, input };
}

function hostIp(edge: ServiceDecl['edge']) {
  return edge?.hostIp ? { hostIp: edge.hostIp } : {};
}

function parseOverrides(o: DeployRequestOptions): ServiceDecl | Record<string, never> {
  const raw = { ...(o.image ? { image: o.image } : {}), ...(o.overrides ?? {}) };
  const r = ServiceOverrides.safeParse(raw);
  if (!r.success)
    throw new ServiceFileError(
      r.error.issues.map((i) => ({ path: i.path as Array<string | number>, message: i.message })),
    );
  // Parsing fills the schema's defaults (container.env {}, ports [] …); only what was given overrides.
  return onlyGiven(r.data, raw) as ServiceDecl;
}

/** The parsed values of exactly the keys present in `raw`, at every depth. */
function onlyGiven(parsed: unknown, raw: unknown): unknown {
  if (!isPlain(parsed) || !isPlain(raw)) return parsed;
  return Object.fromEntries(
    Object.keys(raw)
      .filter((k) => k in parsed)
      .map((k) => [k, onlyGiven(parsed[k], raw[k])]),
  );
}

/** "image=api:v2", "approval.required=false", "container.env.LOG=debug": one line per overridden leaf. */
export function describeOverrides(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? describeOverrides(v as object, `${prefix}${k}.`)
      : [`${prefix}${k}=${Array.isArray(v) ? v.join(',') : String(v)}`],
  );
}

/** Later wins; plain objects merge one level deep (approval, edge, rolling, container.env …). */
function mergeSettings(base: object, over: object): object {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlain(b) && isPlain(v) ? mergeShallowMaps(b, v) : v;
  }
  return out;
}

function mergeShallowMaps(base: Record<string, unknown>, over: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(out[k]) && isPlain(v) ? { ...(out[k] as object), ...v } : v;
  }
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Workflow-input paths → the service-file fields they come from, so an error names the file's field. */
const INPUT_TO_FILE: Array<[string, string]> = [
  ['spec.image', 'image'],
  ['spec', 'container'],
  ['appPort', 'port'],
  ['approval.timeoutMs', 'approval.timeout'],
  ['healthTimeoutMs', 'healthTimeout'],
  ['healthTimeout', 'healthTimeout'],
  ['bakeMs', 'bake'],
  ['oldColorDuringBake', 'oldColor'],
  ['edge.targetPort', 'port'],
  ['edge.ports', 'edge.port'],
  ['pauseAfter', 'rolling.canaryBatches'],
  ['replicas', 'rolling.replicas'],
  ['parallelism', 'rolling.parallelism'],
  ['order', 'rolling.order'],
  ['delay', 'rolling.delay'],
  ['monitor', 'rolling.monitor'],
  ['maxFailureRatio', 'rolling.maxFailureRatio'],
  ['failureAction', 'rolling.failureAction'],
  ['deadline', 'rolling.deadline'],
  ['bootLimit', 'boot.limit'],
  ['maxHostsAtOnce', 'rolling.maxHostsAtOnce'],
];

function parseAs<S extends z.ZodType>(schema: S, request: unknown, service: string): z.output<S> {
  const r = schema.safeParse(request);
  if (r.success) return r.data;
  throw new ServiceFileError(
    r.error.issues.map((i) => {
      const input = i.path.map(String).join('.');
      const hit = INPUT_TO_FILE.find(([from]) => input === from || input.startsWith(`${from}.`));
      const mapped = hit ? hit[1] + input.slice(hit[0].length) : input;
      return { path: ['services', service, ...mapped.split('.').filter(Boolean)], message: i.message };
    }),
  );
}
