import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import { HardenInput, type HardenRequest } from '../common/remediation/harden';
import { validate } from '../common/spec/validate';
import { hardenId } from '../common/workflow-ids';
import { approvalAnswers } from './presentation';
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
    presentation: {
      workflowType: 'remediateHarden',
      summary: `harden ${input.container} on ${input.host}${input.findings ? ` (findings ${input.findings.join(', ')})` : ''}, asked by ${requestedBy}`,
      what:
        "reads the container's spec, plans the hardening (read-only root, dropped capabilities, no-new-privileges, " +
        '…), asks for approval, runs the hardened copy until healthy, then gives it the name and removes the old one. ' +
        'A failure puts the old container back.',
      facts: {
        Container: `\`${input.container}\` on host \`${input.host}\``,
        Findings: input.findings?.join(', '),
        'Started by': requestedBy,
      },
      answers: approvalAnswers(`${input.container} --host ${input.host}`, input.approval),
      host: input.host,
    },
  });
}
