import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DockhandConfig } from '../common/config';
import {
  deskEventsSignal,
  RESTART_DESK_WORKFLOW,
  restartDeskId,
  type DeskBatch,
  type RestartDeskRequest,
} from '../common/remediation/restart-desk';
import { startPresentation } from './presentation';

/** Signal-with-start of a host's restart desk (remediate/restart-desk/<host>) with a batch of one rule's
 * events: the first batch starts the desk, every later one joins it. */
export async function signalRestartDesk(
  client: Client,
  config: DockhandConfig,
  r: { host: string; rule: string; batch: DeskBatch },
): Promise<WorkflowHandle> {
  return client.workflow.signalWithStart(RESTART_DESK_WORKFLOW, {
    taskQueue: config.orchestratorTaskQueue,
    workflowId: restartDeskId(r.host),
    args: [{ host: r.host } satisfies RestartDeskRequest],
    signal: deskEventsSignal,
    signalArgs: [r.batch],
    ...startPresentation({
      workflowType: RESTART_DESK_WORKFLOW,
      summary: `restart desk of ${r.host}: unhealthy containers restarted (rule ${r.rule})`,
      what:
        'takes the engine events of every container on this host that a rule with `"batch": "host"` watches ' +
        '(signal `deskEvents`, batched by the trigger) and restarts each unhealthy one at once, beside the ' +
        "others, within its rule's budget; a container whose budget is spent goes to a restartUnhealthy of " +
        'its own (remediate/restart-unhealthy/<host>/<container>), which quarantines it. It ends after a quiet period.',
      facts: { Host: `\`${r.host}\``, 'Started by': `trigger rule ${r.rule}` },
      answers: [
        'a quarantined container: `dockhand remediate <container> release --host <host>` (its own restartUnhealthy)',
      ],
      host: r.host,
    }),
  });
}
