import { z } from 'zod';
import { formatIssues } from '../spec/schema-helpers';
import { MemoryPolicy } from '../remediation/memory-pressure';
import { RestartPolicy } from '../remediation/restart-unhealthy';
import { DeployGuardPolicy } from '../deploy-guard';
import { HardenPolicy } from '../remediation/harden';
import type { EngineEvent } from './engine-event';

/** Workflows a rule may start, with the schema of the `args` each one takes (its policy). The kind is
 * also the middle of the workflow id: remediate/<kind>/<host>/<container>. */
export const RULE_WORKFLOWS = {
  restartUnhealthy: { kind: 'restart-unhealthy', policy: RestartPolicy },
  memoryPressure: { kind: 'memory-pressure', policy: MemoryPolicy },
  /** Not a per-container remediation: rolls the container's service back under deploy/<service>
   * (workflow `deployGuardRollback`) when its last deploy finished within the window. */
  deployGuard: { kind: 'deploy-guard', policy: DeployGuardPolicy },
  /** Fed by scan_finding events (securityScan with publishFindings); always waits for approval. */
  remediateHarden: { kind: 'harden', policy: HardenPolicy },
} as const;
export type RuleWorkflow = keyof typeof RULE_WORKFLOWS;

const labelKey = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_./-]*$/, 'not a label key');

const EventMatch = z.strictObject({
  type: z.enum(['container', 'image', 'network']).default('container'),
  /** Engine action without detail: "health_status", "oom", "die", "start", "destroy". */
  action: z.string().min(1),
  /** The detail: "unhealthy" for health_status. */
  status: z.string().optional(),
  /** Opt-in: every label must be present with this value ("dockhand.autoheal": "true"). */
  labels: z.record(labelKey, z.string()).default({}),
  /** The container's dockhand.service label. */
  service: z.string().optional(),
  host: z.string().optional(),
});

export const Rule = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'not a rule name (lower-case letters, digits, "-")'),
    enabled: z.boolean().default(true),
    match: EventMatch,
    workflow: z.enum(Object.keys(RULE_WORKFLOWS) as [RuleWorkflow, ...RuleWorkflow[]]),
    /** The workflow's policy; validated against that workflow's schema. */
    args: z.record(z.string(), z.unknown()).default({}),
    /** restartUnhealthy only: "host" sends a host's events to its restart desk (one workflow per host,
     * many events per signal) instead of one workflow per container: for hosts with many containers. */
    batch: z.enum(['host']).optional(),
  })
  .superRefine((rule, ctx) => {
    if (Object.keys(rule.match.labels).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['match', 'labels'],
        message:
          'a remediation rule must opt in by label, e.g. {"dockhand.autoheal": "true"}: nothing is touched that did not ask for it',
      });
    }
    if (rule.batch !== undefined && rule.workflow !== 'restartUnhealthy')
      ctx.addIssue({
        code: 'custom',
        path: ['batch'],
        message: `only restartUnhealthy rules can be batched ("batch": "host"); ${rule.workflow} runs one workflow per container`,
      });
    const policy = RULE_WORKFLOWS[rule.workflow].policy.safeParse(rule.args);
    if (!policy.success) for (const i of policy.error.issues) ctx.addIssue({ ...i, path: ['args', ...i.path] });
  });
export type Rule = z.output<typeof Rule>;

const TriggerConfig = z.strictObject({
  rules: z.array(Rule),
  /** Event jobs processed at once, and at most `rateLimit.max` per `rateLimit.durationMs`. */
  concurrency: z.number().int().min(1).max(100).default(8),
  rateLimit: z
    .strictObject({ max: z.number().int().positive(), durationMs: z.number().int().positive() })
    .default({ max: 200, durationMs: 1000 }),
  webhook: z
    .strictObject({
      /** Name of the environment variable holding the shared secret (never the secret itself). */
      secretEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, 'not an environment variable name')
        .default('DOCKHAND_WEBHOOK_SECRET'),
      port: z.number().int().min(0).max(65535).default(8787),
      host: z.string().default('127.0.0.1'),
      maxBodyBytes: z
        .number()
        .int()
        .positive()
        .max(10 * 1024 * 1024)
        .default(64 * 1024),
      /** A deploy request signed longer ago than this (or this far in the future) is refused: a
       * captured request cannot be replayed later (review M1). Milliseconds. */
      replayWindowMs: z
        .number()
        .int()
        .min(10_000)
        .max(60 * 60_000)
        .default(5 * 60_000),
      /** Serve HTTPS with this certificate (PEM files on the trigger's host); absent: plain HTTP (put
       * it behind a TLS terminator). */
      tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
    })
    .optional(),
});
export type TriggerConfig = z.output<typeof TriggerConfig>;

/** Thrown for a bad rules file: the message names the file and the path of every bad value. */
export class RulesError extends Error {}

export function parseTriggerConfig(text: string, source: string): TriggerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RulesError(`${source}: not JSON (${(e as Error).message})`);
  }
  const r = TriggerConfig.safeParse(raw);
  if (!r.success) throw new RulesError(`${source}: ${formatIssues(r.error)}`);
  const names = r.data.rules.map((x) => x.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new RulesError(`${source}: rules: the rule name "${dup}" is used twice`);
  return r.data;
}

/** Whether an event matches a rule (disabled rules match nothing). */
export function matches(rule: Rule, e: EngineEvent): boolean {
  const m = rule.match;
  if (!rule.enabled || e.type !== m.type || e.action !== m.action) return false;
  if (m.status !== undefined && e.status !== m.status) return false;
  if (m.host !== undefined && e.host !== m.host) return false;
  if (m.service !== undefined && e.labels['dockhand.service'] !== m.service) return false;
  return Object.entries(m.labels).every(([k, v]) => e.labels[k] === v);
}

export function matchingRules(rules: Rule[], e: EngineEvent): Rule[] {
  return rules.filter((r) => matches(r, e));
}
