import type { ServiceContainer } from './blue-green-plan';

/** Input of `serviceStatus`: what runs of one service on each of its hosts. */
export interface ServiceStatusInput {
  service: string;
  hosts: string[];
}

/** Per host: the service's containers (colors, replicas, edge) with their image and health, or why
 * the host did not answer (its agent is down: the read is bounded, never a hang). */
export interface ServiceStatusResult {
  service: string;
  hosts: Array<{ host: string; containers?: ServiceContainer[]; error?: string }>;
}
