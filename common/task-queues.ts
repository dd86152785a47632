/** Task queue names. Workflows run on the orchestrator queue; everything that touches a Docker Engine
 * runs in the host agent of that engine, on its own queue, so a workflow picks the host per call. */
export const ORCHESTRATOR_TASK_QUEUE = 'dockhand-orchestrator';

export function hostTaskQueue(hostId: string): string {
  return `dockhand-host-${hostId}`;
}
