import { z } from 'zod';
import { ContainerSpec, DOCKER_NAME } from './spec/container-spec';
import { serviceName } from './ensure-service';

/** Containers launchContainers creates, starts and waits for at the same time (the rest queue). */
export const LAUNCH_AT_ONCE = 8;
/** Containers one launch takes at most (its input and result are one payload each). */
const MAX_LAUNCH_CONTAINERS = 100;

/** Several containers to create, start and see healthy on one host at once — the runbook's
 * `for c in …; do docker run -d …; done; until all healthy; do sleep; done`. */
export const LaunchContainersInput = z.strictObject({
  host: z.string().regex(DOCKER_NAME, 'not a host id'),
  containers: z
    .array(
      z.strictObject({
        name: z.string().regex(DOCKER_NAME, 'not a container name'),
        service: serviceName,
        spec: ContainerSpec,
      }),
    )
    .min(1)
    .max(MAX_LAUNCH_CONTAINERS, `at most ${MAX_LAUNCH_CONTAINERS} containers per launch`)
    .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, { message: 'container names must be unique' }),
  /** How long each container may take to become healthy. */
  healthTimeoutMs: z.number().int().positive().default(60_000),
});
export type LaunchContainersRequest = z.input<typeof LaunchContainersInput>;

interface LaunchedContainer {
  name: string;
  id: string;
  specHash: string;
  created: boolean;
  health: string;
}
export interface LaunchContainersResult {
  host: string;
  containers: LaunchedContainer[];
}
