import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { EnsureServiceInput, type EnsureServiceRequest, type EnsureServiceResult } from '../common/ensure-service';
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
    presentation: {
      workflowType: 'ensureService',
      summary: `ensure ${input.service} runs ${input.spec.image} on ${input.host}`,
      what:
        'makes one container of the service run this spec: network and image, create (or replace one that runs ' +
        'another spec), start, wait until healthy. Nothing to answer.',
      facts: {
        Service: `\`${input.service}\` on host \`${input.host}\``,
        Image: `\`${input.spec.image}\``,
        'Started by': 'the dockhand CLI (`dockhand ensure`, `npm start`)',
      },
      service: input.service,
      host: input.host,
      image: input.spec.image,
    },
  }) as Promise<WorkflowHandle<(r: EnsureServiceRequest) => Promise<EnsureServiceResult>>>;
}
