import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { HardenInput, type HardenRequest } from '../common/remediation/harden';
import { DockhandHost, DockhandWorkflow } from '../common/search-attributes';
import { validate } from '../common/spec/validate';
import { hardenId } from '../common/workflow-ids';
import { startLocked } from './start';

/** Starts remediateHarden for a container under remediate/harden/<host>/<container>; bad input is
 * refused here, naming the field, before anything starts. */
export async function startHarden(
  client: Client,
  config: DockhandConfig,
  request: HardenRequest,
  requestedBy = 'cli',
): Promise<WorkflowHandle> {
  const input = validate(HardenInput, request, 'input');
  return startLocked(client, config, 'remediateHarden', hardenId(input.host, input.container), [input], {
    staticSummary: `harden ${input.container} on ${input.host}${input.findings ? ` (findings ${input.findings.join(', ')})` : ''}, asked by ${requestedBy}`,
    searchAttributes: [
      { key: DockhandHost, value: input.host },
      { key: DockhandWorkflow, value: 'remediateHarden' },
    ],
  });
}
