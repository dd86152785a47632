import type { Client } from '@temporalio/client';
import { serviceChangeId } from '../../common/workflow-ids';

/** Services asked about at once: each is one describe call. */
const MAX_SERVICES = 200;

/**
 * Which services have a change running right now — their `deploy/<service>` workflow (ensure,
 * blue-green, rolling, guard rollback) is open. Clean-up asks this before removing a service's
 * stopped containers: a running change may still need them as rollback targets (review M4).
 * Read-only; `client` connects on first use.
 */
export function createChangeActivities(client: () => Promise<Client>) {
  return {
    async runningChanges({ services }: { services: string[] }): Promise<string[]> {
      if (services.length > MAX_SERVICES)
        throw new Error(`services: ${services.length} given, at most ${MAX_SERVICES} per call`);
      const c = await client();
      const running: string[] = [];
      for (const service of services) {
        const status = await c.workflow
          .getHandle(serviceChangeId(service))
          .describe()
          .then(
            (d) => d.status.name,
            (e: Error) => (e.name === 'WorkflowNotFoundError' ? 'NOT_FOUND' : Promise.reject(e)),
          );
        if (status === 'RUNNING') running.push(service);
      }
      return running;
    },
  };
}
export type ChangeActivities = ReturnType<typeof createChangeActivities>;
