import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { z } from 'zod';
import type { DockhandConfig } from '../common/config';
import { validate } from '../common/spec/validate';
import { serviceChangeId } from '../common/workflow-ids';
import {
  changePresentation,
  startPresentation,
  type ChangeTarget,
  type ChangeTexts,
  type Presentation,
} from './presentation';

/** Another change holds the service's lock (its workflow id): the message says how to follow,
 * answer or cancel it; `workflowId` lets a caller (the CI queue) wait for it instead. */
export class ChangeRunningError extends Error {
  constructor(
    readonly workflowId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface StartOptions {
  /** Summary, static details and search attributes (client/presentation.ts): required, so no start
   * leaves the Temporal UI without them. */
  presentation: Presentation;
  /** Small, unencrypted facts about the start (the CI delivery id), readable from describe(). */
  memo?: Record<string, unknown>;
}

/** Starts a workflow under its lock id; when one already runs there, a ChangeRunningError names it. */
export async function startLocked<A extends unknown[]>(
  client: Client,
  config: DockhandConfig,
  workflowType: string,
  workflowId: string,
  args: A,
  options: StartOptions,
): Promise<WorkflowHandle> {
  try {
    return await client.workflow.start(workflowType, {
      taskQueue: config.orchestratorTaskQueue,
      workflowId,
      args,
      ...startPresentation(options.presentation),
      ...(options.memo ? { memo: options.memo } : {}),
    });
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ChangeRunningError(
        workflowId,
        `${workflowId} is already running (another change of this service is in progress). ` +
          `Follow it in the Temporal UI: ${config.temporalUiUrl}/namespaces/${config.temporalNamespace}/workflows/${encodeURIComponent(workflowId)} ; ` +
          `answer it with "dockhand approve|reject <service>", or cancel it with "temporal workflow cancel --workflow-id ${workflowId}".`,
        { cause: e },
      );
    }
    throw e;
  }
}

/** The handle of a started service change: its workflow takes the request `S` validates and returns `R`. */
export type ChangeHandle<S extends z.ZodType, R> = WorkflowHandle<(r: z.input<S>) => Promise<R>>;

/** A workflow that changes one service: its type, input schema and what the Temporal UI shows of it. */
export interface ServiceChange<S extends z.ZodType<ChangeTarget>> {
  workflowType: string;
  schema: S;
  texts: (input: z.output<S>) => ChangeTexts;
  /** Checks beyond the schema, before anything starts (a fleet: each host's own request). */
  check?: (input: z.output<S>) => void;
  /** What the workflow is started with: the validated input (defaults fixed in history), or the request
   * as given (rollingUpdate: its recorded histories carry the request; the workflow applies defaults). */
  startWith?: 'input' | 'request';
}

/**
 * The one start of a service change (blue-green, canary, fleet, rolling): validates the request (bad input
 * is refused here, naming the field, before any workflow exists) and starts the workflow under the
 * service's change lock `deploy/<service>`.
 */
export function serviceChangeStarter<S extends z.ZodType<ChangeTarget>, R>(change: ServiceChange<S>) {
  return async (
    client: Client,
    config: DockhandConfig,
    request: z.input<S>,
    memo?: Record<string, unknown>,
  ): Promise<ChangeHandle<S, R>> => {
    const input = validate(change.schema, request, 'input');
    change.check?.(input);
    const arg = change.startWith === 'request' ? request : input;
    return (await startLocked(client, config, change.workflowType, serviceChangeId(input.service), [arg], {
      ...(memo ? { memo } : {}),
      presentation: changePresentation(change.workflowType, input, change.texts(input)),
    })) as ChangeHandle<S, R>;
  };
}

/** The handle a service change's starter gives (`StartedChange<typeof startBlueGreenDeploy>`). */
export type StartedChange<Start extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<Start>>;
