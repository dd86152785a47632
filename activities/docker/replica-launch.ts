import type Docker from 'dockerode';
import { createContainerActivities, type CreateContainerInput } from './containers';
import { createHealthActivities } from './health';
import { heartbeating } from './long-running';

export interface LaunchReplicaInput extends CreateContainerInput {
  healthTimeoutMs: number;
  pollMs?: number;
}

/**
 * A new replica's three steps — create, start, wait until healthy — as one activity: they always go
 * together, and each activity costs a round trip through Temporal (schedule, poll, complete, a
 * workflow task) that a rollout would otherwise pay three times per replica.
 */
export function createReplicaLaunchActivities(docker: Docker, hostId: string) {
  const { createContainer, startContainer } = createContainerActivities(docker, hostId);
  const { waitHealthy } = createHealthActivities(docker);
  return {
    /** Creates (by spec hash), starts and waits until healthy; returns the container id. Twice: finds
     * the container with the same spec, "already started" is fine, and waits again (read-only) —
     * keeping the first attempt's health deadline. A different spec under the name is a Conflict. */
    async launchReplica({ healthTimeoutMs, pollMs, ...create }: LaunchReplicaInput): Promise<{ id: string }> {
      const { id } = await heartbeating(async () => {
        const created = await createContainer(create);
        await startContainer({ name: create.name });
        return created;
      });
      await waitHealthy({ name: create.name, timeoutMs: healthTimeoutMs, pollMs });
      return { id };
    },
  };
}
