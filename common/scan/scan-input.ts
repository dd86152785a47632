import { z } from 'zod';
import { durationMs } from '../spec/schema-helpers';
import { VulnerabilityOptions } from './vulnerability';

const hostId = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a host id');
const labelFilter = z.string().regex(/^[^=\s]+(=.*)?$/, 'expected "key" or "key=value"');

/** Which containers of a host to scan. Patterns are globs on the container name (`*`, `?`). */
export const ContainerFilter = z.strictObject({
  /** Engine label filters, all must match ("key" or "key=value"). */
  labels: z.array(labelFilter).default([]),
  /** Exact container names; empty means any. */
  names: z.array(z.string().min(1)).default([]),
  include: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
  /** Also scan stopped containers (runtime checks are then not applicable). */
  includeStopped: z.boolean().default(false),
});
export type ContainerFilter = z.output<typeof ContainerFilter>;

/** Which checks run: ids or id prefixes ending in "*" ("CIS-5.*", "DH-FS-*"). Empty include = all. */
export const CheckSelection = z.strictObject({
  include: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
});
export type CheckSelection = z.output<typeof CheckSelection>;

/** An accepted risk: matching findings move to `suppressed` until `expires`. */
export const Suppression = z.strictObject({
  ruleId: z.string().min(1),
  /** Container name glob; absent = every container. */
  container: z.string().min(1).optional(),
  host: hostId.optional(),
  reason: z.string().min(3, 'say why the risk is accepted'),
  /** ISO date or date-time; after it the finding counts again. */
  expires: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO date'),
});
export type Suppression = z.output<typeof Suppression>;

export const ScanInput = z.strictObject({
  /** Host agents to scan (their queues are dockhand-host-<id>); empty = every host in the registry. */
  hosts: z.array(hostId).default([]),
  containers: ContainerFilter.default(ContainerFilter.parse({})),
  checks: CheckSelection.default(CheckSelection.parse({})),
  suppressions: z.array(Suppression).default([]),
  /** Containers scanned at once per host. */
  concurrency: z.number().int().min(1).max(32).default(4),
  /** How long a host may take to answer its container list before it is reported down. */
  hostTimeoutMs: durationMs.default(60_000),
  /** Publish one scan_finding event per container with findings on the events queue, where trigger
   * rules can start remediateHarden for containers that opted in by label. */
  publishFindings: z.boolean().default(false),
  /** Image vulnerabilities with Trivy (check DH-VULN; `checks.exclude: ["DH-VULN"]` turns it off). */
  vulnerabilities: VulnerabilityOptions.default(VulnerabilityOptions.parse({})),
});
export type ScanInput = z.output<typeof ScanInput>;
export type ScanRequest = z.input<typeof ScanInput>;
