import { z } from 'zod';
import { serviceName } from '../ensure-service';
import { imageRef } from '../spec/container-spec';
import { STRATEGIES } from '../service-file/schema';

/** The body of a CI deploy request (POST /hooks/deploy). Everything else comes from the service file:
 * a request names the service and the image, and may not widen what the file declares. */
export const DeployRequest = z.strictObject({
  service: serviceName,
  /** The image to deploy; default: the service file's image for the service. */
  image: imageRef.optional(),
  /** Optional, as a check: it must be the strategy the service file declares. */
  strategy: z.enum(STRATEGIES).optional(),
  /** One of the service's hosts; default: its only host. */
  host: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a host id')
    .optional(),
  /** Who asked: a person or the CI actor. */
  requestedBy: z.string().min(1).max(200),
  /** Which pipeline run (a URL or an id), for the audit trail. */
  pipeline: z.string().max(500).optional(),
});
export type DeployRequest = z.output<typeof DeployRequest>;

/** A delivery id becomes a BullMQ job id: no ":" (BullMQ's separator), bounded length. */
export const DELIVERY_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** The queued job: the request, its delivery id and when it arrived (the job id is `deploy-<deliveryId>`). */
export interface DeployJob extends DeployRequest {
  deliveryId: string;
  receivedAt: string;
}

export function deployJobId(deliveryId: string): string {
  return `deploy-${deliveryId}`;
}

/** Where a CI deploy request is, as `GET /hooks/deploy/<deliveryId>` answers. */
type DeliveryState = 'queued' | 'running' | 'succeeded' | 'failed' | 'rolled-back';

export interface DeliveryStatus {
  deliveryId: string;
  service: string;
  state: DeliveryState;
  workflowId: string;
  runId?: string;
  /** The run in the Temporal Web UI. */
  ui?: string;
  /** Queued: how many requests of the service run before this one (the running one included). */
  ahead?: number;
  /** Queued behind a change started elsewhere (the CLI, the deploy guard): its run. */
  waitingFor?: string;
  /** Why it failed or rolled back. */
  failure?: string;
}

/** What the deploy job records as it goes (BullMQ progress) and returns at the end. */
export interface DeployJobProgress {
  state: 'queued' | 'running';
  runId?: string;
  waitingFor?: string;
}
export interface DeployJobResult {
  state: 'succeeded' | 'failed' | 'rolled-back';
  runId?: string;
  failure?: string;
}
