import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { EnsureServiceInput, type EnsureServiceRequest, type EnsureServiceResult } from '../common/ensure-service';
import { DockhandHost, DockhandImage, DockhandService, DockhandWorkflow } from '../common/search-attributes';
import { validate } from '../common/spec/validate';
import { serviceChangeId } from '../common/workflow-ids';
import { startLocked } from './start';

/** Validates the request (a bad spec is refused here, before any workflow exists) and starts
 * ensureService under the service's change lock. */
export async function startEnsureService(
  client: Client,
  config: DockhandConfig,
  request: EnsureServiceRequest,
): Promise<WorkflowHandle<(r: EnsureServiceRequest) => Promise<EnsureServiceResult>>> {
  const input = validate(EnsureServiceInput, request, 'input');
  return startLocked(client, config, 'ensureService', serviceChangeId(input.service), [input], {
    staticSummary: `ensure ${input.service} runs ${input.spec.image} on ${input.host}`,
    searchAttributes: [
      { key: DockhandService, value: input.service },
      { key: DockhandHost, value: input.host },
      { key: DockhandImage, value: input.spec.image },
      { key: DockhandWorkflow, value: 'ensureService' },
    ],
  }) as Promise<WorkflowHandle<(r: EnsureServiceRequest) => Promise<EnsureServiceResult>>>;
}
