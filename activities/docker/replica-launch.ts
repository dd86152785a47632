import type Docker from 'dockerode';
import { CancelledFailure, heartbeat } from '@temporalio/activity';
import { ErrorType, failure } from '../../common/errors';
import { createContainerActivities, type CreateContainerInput } from './containers';
import { createHealthActivities, untilHealthy } from './health';
import { heartbeating } from './long-running';
import { QUICK_ENGINE_CALL_MS, withinBound } from './engine-bound';

export interface LaunchReplicaInput extends CreateContainerInput {
  healthTimeoutMs: number;
  pollMs?: number;
  /** Containers that must be healthy before this one starts (the batch before, in a rollout). The
   * workflow schedules the launch while they are still coming up, so the start follows their health
   * event at once instead of a workflow round trip later; created meanwhile, it only has to start. */
  after?: string[];
}

/**
 * A new replica's steps — create, start, wait until healthy — as one activity: they always go
 * together, and each activity costs a round trip through Temporal (schedule, poll, complete, a
 * workflow task) that a rollout would otherwise pay three times per replica.
 */
export function createReplicaLaunchActivities(
  docker: Docker,
  hostId: string,
  { engineCallMs = QUICK_ENGINE_CALL_MS }: { engineCallMs?: number } = {},
) {
  const { createContainer, startContainer } = createContainerActivities(docker, hostId);
  const { waitHealthy } = createHealthActivities(docker);
  return {
    /** Creates (by spec hash), waits for `after` to be healthy, starts and waits until healthy; returns
     * the container id. Fails with PredecessorFailed, before starting anything, when one of `after`
     * does not become healthy. Twice: finds the container with the same spec, "already started" is
     * fine, and waits again (read-only), keeping the first attempt's health deadline. A different
     * spec under the name is a Conflict. */
    async launchReplica({
      healthTimeoutMs,
      pollMs,
      after = [],
      ...create
    }: LaunchReplicaInput): Promise<{ id: string }> {
      const { id } = await heartbeating(() =>
        withinBound(`create container ${create.name}`, engineCallMs, createContainer(create)),
      );
      for (const name of after) await predecessorHealthy(docker, name, healthTimeoutMs);
      await heartbeating(() =>
        withinBound(`start container ${create.name}`, engineCallMs, startContainer({ name: create.name })),
      );
      await waitHealthy({ name: create.name, timeoutMs: healthTimeoutMs, pollMs });
      return { id };
    },
  };
}

async function predecessorHealthy(docker: Docker, name: string, timeoutMs: number): Promise<void> {
  try {
    await untilHealthy(docker, name, { startedAt: Date.now(), timeoutMs, pollMs: 1000, onLook: () => heartbeat() });
  } catch (err) {
    if (err instanceof CancelledFailure) throw err;
    throw failure(
      ErrorType.PredecessorFailed,
      `not started: ${name} did not become healthy (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    );
  }
}
