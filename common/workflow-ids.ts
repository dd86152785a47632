/** Workflow ids are locks: one change of a service at a time, whatever kind of change it is
 * (ensure, blue-green, rolling), because they all start under this id. */
export function serviceChangeId(service: string): string {
  return `deploy/${service}`;
}

/** One remediation of one kind per container at a time: a storm of events for the same container
 * signals this one workflow instead of starting another. */
export function remediationId(kind: string, host: string, container: string): string {
  return `remediate/${kind}/${host}/${container}`;
}

/** Hardening of one container: a remediation like the others, so a second start for the same
 * container meets the running one. */
export function hardenId(host: string, container: string): string {
  return remediationId('harden', host, container);
}

/** One clean-up per host at a time. */
export function cleanupId(host: string): string {
  return `cleanup/${host}`;
}

/** The workflows `dockhand approve|reject|rollback <target>` may mean, in the order they are tried:
 * a full workflow id as given (it has a "/"), else the change of the service <target>
 * (deploy/<target>) or the hardening of the container <target> on `host`. */
export function answerTargets(target: string, host?: string): string[] {
  if (target.includes('/')) return [target];
  return [serviceChangeId(target), ...(host ? [hardenId(host, target)] : [])];
}

/** The repair of one host a fleet change left behind (its agent stopped answering): one per host and
 * run, outside the service's lock so the next change is not blocked by a host that may never return. */
export function fleetRepairId(service: string, host: string, runId: string): string {
  return `repair/${service}/${host}/${runId}`;
}
