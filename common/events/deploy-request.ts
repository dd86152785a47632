import { z } from 'zod';
import { serviceName } from '../ensure-service';

/** Deploy strategies a CI request may ask for, and the workflow type each one starts (the workflows
 * live in workflows/blue-green.ts and workflows/rolling-update.ts; they are started by type name). */
export const DEPLOY_WORKFLOW_TYPES = { 'blue-green': 'blueGreenDeploy', rolling: 'rollingUpdate' } as const;
export type DeployStrategy = keyof typeof DEPLOY_WORKFLOW_TYPES;

/** The body of a CI deploy request (POST /hooks/deploy). */
export const DeployRequest = z.strictObject({
  service: serviceName,
  image: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\s]+$/, 'not an image reference'),
  strategy: z.enum(Object.keys(DEPLOY_WORKFLOW_TYPES) as [DeployStrategy, ...DeployStrategy[]]),
  /** The host agent to deploy on; the trigger's default host when absent. */
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

/** The queued job: the request plus its delivery id (the job id is `deploy-<deliveryId>`). */
export interface DeployJob extends DeployRequest {
  deliveryId: string;
  host: string;
}

export function deployJobId(deliveryId: string): string {
  return `deploy-${deliveryId}`;
}

/** What a deploy workflow receives as its one argument. */
export interface DeployWorkflowInput {
  service: string;
  image: string;
  host: string;
  strategy: DeployStrategy;
  requestedBy: string;
  pipeline?: string;
  deliveryId: string;
}
