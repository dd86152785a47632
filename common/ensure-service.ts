import { z } from 'zod';
import { ContainerSpec, DOCKER_NAME } from './spec/container-spec';

/** A service name is also the stem of its containers' names (`<service>`, `<service>-blue`, `<service>-3`). */
export const serviceName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'not a service name (lower-case letters, digits, "_", "." and "-", up to 63)');

export const EnsureServiceInput = z.strictObject({
  service: serviceName,
  /** The host agent to run on (its task queue is dockhand-host-<host>). */
  host: z.string().regex(DOCKER_NAME, 'not a host id'),
  spec: ContainerSpec,
  /** How long the container may take to become healthy. */
  healthTimeoutMs: z.number().int().positive().default(60_000),
});
export type EnsureServiceInput = z.output<typeof EnsureServiceInput>;
export type EnsureServiceRequest = z.input<typeof EnsureServiceInput>;

export interface PublishedPort {
  container: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
}

export interface EnsureServiceResult {
  service: string;
  host: string;
  containerName: string;
  containerId: string;
  image: string;
  specHash: string;
  /** True when a container with the same spec hash already existed and was kept. */
  reused: boolean;
  /** True when a Dockhand container of this service with another spec was replaced. */
  replaced: boolean;
  /** Clean-up after the swap that did not work (the old container could not be removed). */
  warnings?: string[];
  health: string;
  ports: PublishedPort[];
}
