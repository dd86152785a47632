import type Docker from 'dockerode';
import { CancelledFailure, heartbeat } from '@temporalio/activity';
import { ErrorType, failure } from '../../common/errors';
import { createContainerActivities, type CreateContainerInput } from './containers';
import { createHealthActivities, untilHealthy } from './health';
import { heartbeating } from './long-running';
import { QUICK_ENGINE_CALL_MS, withinBound } from './engine-bound';
import { engineCall } from './engine-errors';

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
      const createOne = () =>
        heartbeating(() => withinBound(`create container ${create.name}`, engineCallMs, createContainer(create)));
      const start = () =>
        heartbeating(() =>
          withinBound(`start container ${create.name}`, engineCallMs, startContainer({ name: create.name })),
        );
      let { id } = await createOne();
      for (const name of after) await predecessorHealthy(docker, name, healthTimeoutMs);
      try {
        await start();
      } catch (err) {
        if (!isStaleTask(err)) throw err;
        // Never started, made by this launch (same spec hash): a fresh container takes its place.
        await engineCall(`remove container ${create.name}, which cannot start`, () =>
          docker.getContainer(id).remove({ force: true }),
        );
        ({ id } = await createOne());
        await start();
      }
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

/** dockerd restarted while it was starting the container: containerd kept the half-made task, and every
 * start of that container fails the same way (moby 20.10: "task <id>: already exists"). Retrying it
 * never helps (chaos seed 20261206 round 19 tried 32 times); only a new container can start. */
function isStaleTask(err: unknown): boolean {
  return err instanceof Error && /\btask [0-9a-f]{12,64}: already exists\b/.test(err.message);
}
