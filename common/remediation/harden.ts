import { z } from 'zod';
import { ApprovalPolicy, DEFAULT_APPROVAL, type ApprovalDecision } from '../approval';
import { DOCKER_NAME } from '../spec/container-spec';
import { bytes, durationMs } from '../spec/schema-helpers';

const capability = z
  .string()
  .regex(/^(CAP_)?[A-Z_]+$/, 'not a capability name (e.g. NET_BIND_SERVICE)')
  .transform((c) => c.replace(/^CAP_/, ''));
const absolutePath = z.string().startsWith('/', 'must be an absolute path');

/** What a hardened container gets where it had nothing safer. */
export const HardenPolicy = z.strictObject({
  /** Memory limit for a container without one (CIS-5.11). */
  memory: bytes.default(256 * 1024 * 1024),
  /** PIDs limit for a container without one (CIS-5.29). */
  pidsLimit: z.number().int().min(16).default(256),
  /** Writable paths of a read-only root (CIS-5.13): path → tmpfs options. */
  tmpfs: z.record(absolutePath, z.string()).default({ '/tmp': 'size=64m,mode=1777', '/run': 'size=16m' }),
  /** Capabilities added back after dropping ALL, besides NET_BIND_SERVICE for a port below 1024. */
  keepCapabilities: z.array(capability).default([]),
});
export type HardenPolicy = z.output<typeof HardenPolicy>;

export const HardenInput = z.strictObject({
  host: z.string().regex(DOCKER_NAME, 'not a host id'),
  container: z.string().regex(DOCKER_NAME, 'not a container name'),
  /** Scan finding ids that asked for this (CIS-5.4, CIS-5.11, …): only their changes are made.
   * Absent: every change the container's inspect shows it lacks. */
  findings: z.array(z.string().min(1)).optional(),
  policy: HardenPolicy.default(HardenPolicy.parse({})),
  approval: ApprovalPolicy.default(DEFAULT_APPROVAL),
  /** How long the hardened container may take to become healthy. */
  healthTimeoutMs: durationMs.default(60_000),
  /** Seconds the old container gets to stop before SIGKILL. */
  stopTimeoutS: z.number().int().min(0).max(300).default(10),
});
export type HardenInput = z.output<typeof HardenInput>;
export type HardenRequest = z.input<typeof HardenInput>;

/** One field of the spec that hardening changes, and the finding it answers. */
export interface HardeningChange {
  ruleId: string;
  field: string;
  from: unknown;
  to: unknown;
}

export interface HardenResult {
  container: string;
  host: string;
  /** Empty when the container was already hardened (nothing was changed). */
  changes: HardeningChange[];
  approval?: ApprovalDecision;
  /** Id of the container that now runs under the name (the hardened one). */
  containerId?: string;
  /** Clean-up after the swap that did not work (the old container could not be removed). */
  warnings?: string[];
}

/** The suffix of the hardened container while it runs beside the old one, and of the old one while
 * the names are swapped. Deterministic, so a retried step finds what it made. */
export function hardeningNames(container: string): { candidate: string; retired: string } {
  return { candidate: `${container}-hardened`, retired: `${container}-pre-harden` };
}
