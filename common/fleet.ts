import { z } from 'zod';
import { DOCKER_NAME } from './spec/container-spec';
import { durationMs } from './spec/schema-helpers';

/**
 * What every change across a fleet of hosts shares: the hosts, how many change at once while new
 * versions boot (Kamal's `boot.limit`), and what a host that stops answering means.
 */

/** Host ids (each one's agent serves `dockhand-host-<id>`), unique, in the order changes go through them. */
export const FleetHosts = z
  .array(z.string().regex(DOCKER_NAME, 'not a host id'))
  .min(1)
  .refine((hs) => new Set(hs).size === hs.length, { message: 'hosts must be unique' });

/** How many hosts boot the new version at once: a number, or a percentage of the hosts ("50%"). */
export const BootLimit = z.union([
  z.number().int().min(1),
  z.string().regex(/^(100|[1-9][0-9]?)%$/, 'a number of hosts, or a percentage from "1%" to "100%"'),
]);
export type BootLimit = z.output<typeof BootLimit>;

/** Upper bound of `hostLoss.timeout`: a host that does not pick up work within an hour is gone. */
export const MAX_HOST_LOSS_TIMEOUT_MS = 60 * 60_000;

/**
 * A host whose agent stops answering: its work waits at most `timeout` on the host's queue for an
 * agent to pick it up (Temporal's schedule-to-start timeout: it bounds only the wait for an agent,
 * never a long step an agent is running, so a slow pull or health wait is not cut short). Then the
 * policy decides: `rollback` the whole fleet (the default), or `continue` without the host when at
 * least `minHosts` hosts remain.
 */
export const HostLossPolicy = z
  .strictObject({
    timeout: durationMs.pipe(z.number().min(1000).max(MAX_HOST_LOSS_TIMEOUT_MS)).default(60_000),
    policy: z.enum(['rollback', 'continue']).default('rollback'),
    minHosts: z.number().int().min(1).optional(),
  })
  .refine((p) => p.policy === 'rollback' || p.minHosts !== undefined, {
    path: ['minHosts'],
    message: 'policy "continue" needs minHosts (how many hosts must finish the change)',
  });
export type HostLossPolicy = z.output<typeof HostLossPolicy>;
export const DEFAULT_HOST_LOSS: HostLossPolicy = { timeout: 60_000, policy: 'rollback' };

/** A fleet change's `hostLoss.minHosts` cannot exceed its hosts (said naming the field). */
export function checkMinHosts(i: { hosts: string[]; hostLoss: HostLossPolicy }, ctx: z.RefinementCtx): void {
  if (i.hostLoss.minHosts !== undefined && i.hostLoss.minHosts > i.hosts.length)
    ctx.addIssue({
      code: 'custom',
      path: ['hostLoss', 'minHosts'],
      message: `${i.hostLoss.minHosts} is more than the ${i.hosts.length} hosts of the deploy`,
    });
}

/** Where one host of a fleet change is: the Temporal UI shows every host's line while the change runs. */
export interface HostProgress {
  host: string;
  /** The step this host is in or last finished (`green-up`, `switched`, `rolled-back`, `lost` …). */
  step: string;
  /** One line about it (`fleet-blue (app:v2) healthy`). */
  details: string;
}

/** Why a fleet change failed on a host, and whether the host had stopped answering. */
export interface HostFailure {
  host: string;
  cause: string;
  /** Its agent picked up nothing within hostLoss.timeout (the work timed out on schedule-to-start). */
  lost: boolean;
}

/** Failure types of a fleet change. */
export const FleetErrorType = {
  /** A host failed before the fleet committed: every host was put back. The details list the hosts. */
  HostFailed: 'DockhandFleetHostFailed',
  /** One host's part of a fleet change ended because its agent stopped answering: nothing of it was
   * undone there (the undos would only time out too); the fleet leaves the host to a repair. */
  HostLost: 'DockhandFleetHostLost',
} as const;
