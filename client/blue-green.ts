import type { Client, WorkflowHandle } from '@temporalio/client';
import { BlueGreenInput, type BlueGreenRequest, type BlueGreenResult } from '../common/blue-green';
import type { DockhandConfig } from '../common/config';
import {
  DockhandHost,
  DockhandImage,
  DockhandPhase,
  DockhandService,
  DockhandWorkflow,
} from '../common/search-attributes';
import { validate } from '../common/spec/validate';
import { serviceChangeId } from '../common/workflow-ids';
import { startLocked } from './start';

export type BlueGreenHandle = WorkflowHandle<(r: BlueGreenRequest) => Promise<BlueGreenResult>>;

/** Validates the request (bad input is refused here, naming the field, before any workflow exists)
 * and starts blueGreenDeploy under the service's change lock `deploy/<service>`. */
export async function startBlueGreenDeploy(
  client: Client,
  config: DockhandConfig,
  request: BlueGreenRequest,
  memo?: Record<string, unknown>,
): Promise<BlueGreenHandle> {
  const input = validate(BlueGreenInput, request, 'input');
  return (await startLocked(client, config, 'blueGreenDeploy', serviceChangeId(input.service), [input], {
    ...(memo ? { memo } : {}),
    staticSummary: `blue-green deploy of ${input.service} to ${input.spec.image} on ${input.host}`,
    searchAttributes: [
      { key: DockhandService, value: input.service },
      { key: DockhandHost, value: input.host },
      { key: DockhandImage, value: input.spec.image },
      { key: DockhandPhase, value: 'planning' },
      { key: DockhandWorkflow, value: 'blueGreenDeploy' },
    ],
  })) as BlueGreenHandle;
}
