/** The remediation benches' trigger rules: `autoheal` restarts an opted-in container that turns
 * unhealthy (generous budget, no backoff: the bench measures the path, not the policy); `synthetic`
 * matches the bench's injected events (for containers that do not exist: a look and nothing more).
 * Both batched per host: the host's restart desk (workflows/remediate-restart-desk.ts) takes them. */
export function autohealRules(optIn: Record<string, string>, synthetic: Record<string, string>) {
  return [
    {
      name: 'autoheal',
      match: { action: 'health_status', status: 'unhealthy', labels: optIn },
      workflow: 'restartUnhealthy',
      batch: 'host',
      args: { maxRestarts: 100, windowMs: '10m', backoffMs: 0, stopTimeoutS: 1, idleMs: '10m' },
    },
    {
      name: 'synthetic',
      match: { action: 'health_status', status: 'unhealthy', labels: synthetic },
      workflow: 'restartUnhealthy',
      batch: 'host',
      args: { idleMs: '1s' },
    },
  ];
}
