/** The remediation benches' trigger rules: `autoheal` restarts an opted-in container that turns
 * unhealthy (generous budget, no backoff: the bench measures the path, not the policy); `synthetic`
 * matches the bench's injected events, which end at once (idle 1 s). */
export function autohealRules(optIn: Record<string, string>, synthetic: Record<string, string>) {
  return [
    {
      name: 'autoheal',
      match: { action: 'health_status', status: 'unhealthy', labels: optIn },
      workflow: 'restartUnhealthy',
      args: { maxRestarts: 100, windowMs: '10m', backoffMs: 0, stopTimeoutS: 1, idleMs: '10m' },
    },
    {
      name: 'synthetic',
      match: { action: 'health_status', status: 'unhealthy', labels: synthetic },
      workflow: 'restartUnhealthy',
      args: { idleMs: '1s' },
    },
  ];
}
