import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';
import { safeUserName } from '../lib/identity';
import { RULE_WORKFLOWS } from '../../common/events/rules';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { AnswerRefusedError } from '../../client/answer';
import { releaseUpdate } from '../../common/remediation/signals';
import { remediationId } from '../../common/workflow-ids';
import { startHarden } from '../../client/harden';
import { startRemediation } from '../../client/remediate';
import type { WorkflowHandle } from '@temporalio/client';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { signerFrom } from '../lib/answer-command';
import { UsageError } from '../lib/exit-codes';
import { followAndReport } from '../lib/follow-change';
import { addFollowOptions } from '../lib/follow-options';
import { workflowUrl } from '../lib/links';
import { collect, oneOf } from '../lib/parsers';

const ACTIONS = { restart: 'restartUnhealthy', memory: 'memoryPressure' } as const;

type Action = 'restart' | 'memory' | 'harden' | 'release';

export function registerRemediate(program: Command): void {
  const command = program
    .command('remediate')
    .description(
      'remediate a container now: restart (within its restart budget), memory (raise its limit), harden (recreate it with a safer spec, after approval), release (end a quarantine); follows it until it ends',
    )
    .argument('<container>', 'container name')
    .argument(
      '<action>',
      'restart | memory | harden | release',
      oneOf<Action>('restart', 'memory', 'harden', 'release'),
    )
    .option('--host <id>', 'host agent the container runs on (default: DOCKHAND_HOST_ID or this hostname)')
    .option(
      '--by <who>',
      'who acts: sent as the Temporal client identity, which approver lists check (default: DOCKHAND_USER or the login name)',
    )
    .option('--reason <text>', 'why (release)', 'released from the CLI')
    .option(
      '--key <file>',
      'release: sign it with this Ed25519 private key (its public half is listed under releaseKeys.<--by> in the rule)',
    )
    .option('--no-approval', 'harden: recreate without waiting for a person to approve')
    .option(
      '--finding <id>',
      'harden: only the changes answering this scan finding (CIS-5.4, CIS-5.11, …), repeatable',
      collect,
    );
  addFollowOptions(command)
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(
      async (
        container: string,
        action: Action,
        o: {
          host?: string;
          by?: string;
          reason: string;
          key?: string;
          approval: boolean;
          finding?: string[];
          detach?: boolean;
          timeout?: string;
          json?: boolean;
        },
      ) => {
        const by = o.by ?? safeUserName();
        if (!by.trim()) throw new UsageError('--by: say who asks');
        if (o.key !== undefined && action !== 'release') throw new UsageError('--key: only a release is signed');
        const sign = o.key === undefined ? undefined : signerFrom(o.key, by);
        const config = loadConfig();
        const host = o.host ?? config.hostId;
        const client = await connectClient(config, { identity: by });
        let handle: WorkflowHandle;
        let started: string;
        if (action === 'release') {
          const workflowId = remediationId(RULE_WORKFLOWS.restartUnhealthy.kind, host, container);
          // A signature is good for one run: sign for the run that holds the quarantine now.
          const runId = sign ? (await client.workflow.getHandle(workflowId).describe()).runId : undefined;
          handle = client.workflow.getHandle(workflowId, runId);
          const signature = sign && runId ? { signature: sign({ workflowId, runId, action: 'release' }) } : {};
          const verdict = await handle
            .executeUpdate(releaseUpdate, { args: [{ by, reason: o.reason, ...signature }] })
            .catch((e: Error) => {
              if (!(e instanceof WorkflowUpdateFailedError)) throw e;
              throw new AnswerRefusedError(e.cause?.message ?? e.message);
            });
          // An answer, like approve: the quarantine ends in the workflow; nothing to follow here.
          return emit(o.json, { action, container, host, by, verdict }, `${handle.workflowId}: ${verdict}`, {
            workflowId: handle.workflowId,
            url: workflowUrl(config, handle.workflowId),
          });
        } else if (action === 'harden') {
          handle = await startHarden(
            client,
            config,
            { host, container, approval: { required: o.approval }, ...(o.finding ? { findings: o.finding } : {}) },
            by,
          );
          started = `started ${handle.workflowId}${o.approval ? `; it waits for approval: dockhand approve ${container} --host ${host}` : ''}`;
        } else {
          // When an incident for this container is open, the request joins it (and its budget).
          handle = await startRemediation(client, config, {
            workflowType: ACTIONS[action],
            host,
            container,
            input: { host, container, manual: true, policy: { idleMs: 1000 } },
            event: { action: `manual-${action}`, timeNano: `${BigInt(Date.now()) * 1_000_000n}`, source: 'cli' },
            summary: `${action} ${container} on ${host}, asked by ${by}`,
            startedBy: `${by} via the CLI (\`dockhand remediate ${container} ${action}\`)`,
          });
          started = `started ${handle.workflowId}`;
        }
        const url = workflowUrl(config, handle.workflowId);
        if (o.detach) return emit(o.json, { action, container, host }, started, { workflowId: handle.workflowId, url });
        await followAndReport(handle, {
          kind: 'phase',
          json: o.json,
          timeout: o.timeout,
          started: `${started} — ${url}`,
          reattach: `open ${url}`,
          url,
          extra: { action, container, host },
          human: (end) => `${handle.workflowId}: ${JSON.stringify(end.result, null, 2)}`,
        });
      },
    );
  examples(
    command,
    'dockhand remediate web-1 restart',
    'dockhand remediate web-1 harden --finding CIS-5.26 --detach',
    'dockhand remediate web-1 release --reason "fixed the config"',
    'dockhand remediate web-1 release --by ann --key ~/.ssh/id_ed25519',
  );
}
