import type Docker from 'dockerode';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, type ConflictDetails } from '../../common/errors';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { createContainerActivities } from '../docker/containers';
import { createHealthActivities } from '../docker/health';
import { heartbeating } from '../docker/long-running';

export interface EnsureEdgeContainerInput {
  name: string;
  service: string;
  spec: ContainerSpec;
  timeoutMs: number;
}

export function createEdgeContainerActivities(docker: Docker, hostId: string) {
  const { createContainer, startContainer } = createContainerActivities(docker, hostId);
  const { waitHealthy } = createHealthActivities(docker);
  return {
    /** A service's edge, running and healthy: created when missing; an edge this service already has
     * is kept as it is, whatever its spec (it serves traffic); started; healthy. One round trip, not
     * three. A container under the name that is not this service's fails with the typed Conflict.
     * Twice: finds it running and healthy. */
    async ensureEdgeContainer({ name, service, spec, timeoutMs }: EnsureEdgeContainerInput): Promise<void> {
      await heartbeating(async () => {
        try {
          await createContainer({ name, service, spec });
        } catch (err) {
          const owner =
            err instanceof ApplicationFailure && err.type === ErrorType.Conflict
              ? (err.details?.[0] as ConflictDetails | undefined)?.managedService
              : undefined;
          if (owner !== service) throw err;
        }
        await startContainer({ name });
      });
      await waitHealthy({ name, timeoutMs, checkNow: true });
    },
  };
}
