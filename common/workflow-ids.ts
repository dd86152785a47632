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
