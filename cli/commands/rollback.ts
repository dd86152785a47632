import type { Command } from 'commander';
import { configOrigin } from '../../client/service-file';
import { WorkflowNotFoundError } from '@temporalio/client';
import { answerDeploy } from '../../client/answer';
import { recentChanges, rollbackTarget } from '../../client/change-history';
import { connectClient } from '../../client/connection';
import { startDeploy } from '../../client/deploy';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { UsageError } from '../lib/exit-codes';
import { followAndReport } from '../lib/follow-change';
import { addFollowOptions } from '../lib/follow-options';
import { workflowUrl } from '../lib/links';
import { loadConfig } from '../../common/config';
import { ServiceFileError, resolveDeploy } from '../../common/service-file/resolve';
import { serviceChangeId } from '../../common/workflow-ids';
import { safeUserName } from '../lib/identity';
import { requireServiceFile } from '../lib/service-file';

/**
 * `dockhand rollback <service>`: while a change runs, the `rollback` signal (inside a blue-green bake
 * window, or a rolling update's rollback); after it completed, a redeploy of the previous successful
 * image and spec through the same workflow, approvals and lock as any deploy.
 */
export function registerRollback(program: Command): void {
  const command = program
    .command('rollback')
    .description('roll <service> back: signal its running change, or redeploy the previous successful version')
    .argument('<target>', 'a service (or, for a running change, a workflow id such as cleanup/<host>)')
    .option('--by <name>', 'who asks (default: DOCKHAND_USER or the login name)')
    .option('--comment <text>', 'why')
    .option('--host <id>', "the host to redeploy on (default: the service's only host)");
  addFollowOptions(command)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async function (
      this: Command,
      target: string,
      o: { by?: string; comment?: string; host?: string; detach?: boolean; timeout?: string; json?: boolean },
    ) {
      const config = loadConfig();
      const by = o.by ?? safeUserName();
      if (!by.trim()) throw new UsageError('--by: say who asks');
      const client = await connectClient(config, { identity: by });
      const running = await client.workflow
        .getHandle(target.includes('/') ? target : serviceChangeId(target))
        .describe()
        .then((d) => d.status.name === 'RUNNING')
        .catch((e) => {
          if (e instanceof WorkflowNotFoundError) return false;
          throw e;
        });
      if (running || target.includes('/')) {
        const { workflowId, verdict } = await answerDeploy(
          client,
          target,
          'rollback',
          { by, ...(o.comment ? { comment: o.comment } : {}) },
          o.host ?? config.hostId,
        );
        return emit(o.json, { sent: 'rollback', by, verdict }, `${workflowId}: ${verdict}`, {
          workflowId,
          url: workflowUrl(config, workflowId),
        });
      }
      const loaded = requireServiceFile(this);
      const found = rollbackTarget(await recentChanges(client, target, 20));
      if (!found)
        throw new Error(
          `no earlier successful deploy of ${target} differs from what runs now: nothing to roll back to`,
        );
      let resolved;
      try {
        resolved = resolveDeploy(loaded.file, target, {
          image: found.target.spec!.image,
          ...(o.host ? { host: o.host } : {}),
          origin: {
            source: 'rollback',
            requestedBy: by,
            rollbackTo: found.target.runId,
            config: configOrigin(loaded),
          },
        });
      } catch (e) {
        throw e instanceof ServiceFileError ? new Error(loaded.explain(e)) : e;
      }
      // The whole previous spec, not only its image: env, limits and health go back too.
      resolved.input.spec = found.target.spec!;
      const handle = await startDeploy(client, config, resolved);
      const url = workflowUrl(config, handle.workflowId);
      const summary = `rollback of ${target} from ${found.live.image} to ${found.target.image} (run ${found.target.runId})`;
      const about = { service: target, from: found.live.image, to: found.target.image };
      if (o.detach)
        return emit(o.json, about, `started ${summary}: ${handle.workflowId}`, { workflowId: handle.workflowId, url });
      await followAndReport(handle, {
        kind: resolved.strategy,
        json: o.json,
        timeout: o.timeout,
        started: `started ${summary} — ${url}`,
        reattach: `dockhand status ${target} --follow`,
        url,
        extra: about,
        human: (end) => `${target}: ${end.outcome} (${found.target.image})`,
      });
    });
  examples(command, 'dockhand rollback web', 'dockhand rollback web --comment "v2 leaks memory" --detach');
}
