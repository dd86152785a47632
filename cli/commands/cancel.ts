import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { describeIfAny } from '../../client/describe-if-any';
import { loadConfig } from '../../common/config';
import { serviceChangeId } from '../../common/workflow-ids';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { CliError, EXIT } from '../lib/exit-codes';
import { addFollowOptions } from '../lib/follow-options';
import { followChange, outcomeWord } from '../lib/follow-change';
import { workflowUrl } from '../lib/links';
import { Progress } from '../lib/progress';
import { parseDurationMs } from '../../common/spec/units';

/**
 * `dockhand cancel <service>`: asks Temporal to cancel the running change of a service (or any
 * workflow by its id). The workflow's compensation undoes what it did (the old version keeps
 * serving); the command follows that until the change ended, unless --detach.
 */
export function registerCancel(program: Command): void {
  const command = program
    .command('cancel')
    .description(
      'cancel the running change of <service> (Temporal cancellation: it compensates, the old version keeps serving)',
    )
    .argument('<target>', 'a service (its running change, deploy/<service>) or a workflow id such as cleanup/<host>');
  addFollowOptions(command)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async (target: string, o: { detach?: boolean; timeout?: string; json?: boolean }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const workflowId = target.includes('/') ? target : serviceChangeId(target);
      const runId = await runningRun(client, target, workflowId);
      const handle = client.workflow.getHandle(workflowId, runId);
      const url = workflowUrl(config, workflowId);
      await handle.cancel();
      if (o.detach)
        return emit(o.json, { cancelRequested: true, runId }, `asked ${workflowId} to cancel; it compensates now`, {
          workflowId,
          url,
        });
      const progress = o.json ? undefined : new Progress();
      progress?.line(`asked ${workflowId} to cancel; following its compensation`);
      const type = (await handle.describe()).type;
      const end = await followChange(handle, {
        kind: type === 'blueGreenDeploy' ? 'blue-green' : type === 'rollingUpdate' ? 'rolling' : 'phase',
        progress,
        timeoutMs: o.timeout === undefined ? undefined : parseDurationMs(o.timeout),
        reattach: `dockhand status ${target.includes('/') ? '<service>' : target} --follow`,
        url,
      });
      const { workflowId: _id, ...rest } = end;
      if (end.failureType === 'cancelled')
        return emit(o.json, rest, `${workflowId} cancelled: ${end.failure ?? 'compensated'}`, { workflowId, url });
      // It ended some other way before the cancellation landed: say how, with that ending's code.
      throw new CliError(
        `${workflowId} ended before it could be cancelled: ${outcomeWord(end)}${end.failure ? ` — ${end.failure}` : ''}`,
        end.outcome === 'succeeded' ? EXIT.error : EXIT.refused,
        { workflowId, url, details: rest },
      );
    });
  examples(command, 'dockhand cancel web', 'dockhand cancel cleanup/vm-1 --detach');
}

async function runningRun(client: Client, target: string, workflowId: string): Promise<string> {
  const d = await describeIfAny(client, workflowId);
  if (!d) throw new CliError(`no change of ${target} has run (no workflow ${workflowId})`);
  if (d.status.name !== 'RUNNING')
    throw new CliError(`no change of ${target} is running (${workflowId} is ${d.status.name.toLowerCase()})`);
  return d.runId;
}
