import type { Command } from 'commander';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';
import { safeUserName } from '../lib/identity';
import { RULE_WORKFLOWS } from '../../common/events/rules';
import { releaseSignal } from '../../common/remediation/signals';
import { remediationId } from '../../common/workflow-ids';
import { startHarden } from '../../client/harden';
import { startRemediation } from '../../client/remediate';
import { collect } from '../lib/parsers';

const ACTIONS = { restart: 'restartUnhealthy', memory: 'memoryPressure' } as const;

export function registerRemediate(program: Command): void {
  program
    .command('remediate')
    .description(
      'remediate a container now: restart (within its restart budget), memory (raise its limit), harden (recreate it with a safer spec, after approval), release (end a quarantine)',
    )
    .argument('<container>', 'container name')
    .argument('<action>', 'restart | memory | harden | release')
    .option('--host <id>', 'host agent the container runs on (default: DOCKHAND_HOST_ID or this hostname)')
    .option('--by <who>', 'who releases, for the audit trail', safeUserName())
    .option('--reason <text>', 'why (release)', 'released from the CLI')
    .option('--no-approval', 'harden: recreate without waiting for a person to approve')
    .option(
      '--finding <id>',
      'harden: only the changes answering this scan finding (CIS-5.4, CIS-5.11, …), repeatable',
      collect,
    )
    .option('--wait', 'wait for the remediation to finish')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        container: string,
        action: string,
        o: {
          host?: string;
          by: string;
          reason: string;
          approval: boolean;
          finding?: string[];
          wait?: boolean;
          json?: boolean;
        },
      ) => {
        const config = loadConfig();
        const host = o.host ?? config.hostId;
        const client = await connectClient(config);
        if (action === 'harden') {
          const handle = await startHarden(
            client,
            config,
            { host, container, approval: { required: o.approval }, ...(o.finding ? { findings: o.finding } : {}) },
            o.by,
          );
          if (!o.json)
            console.log(
              `started ${handle.workflowId}${o.approval ? `; it waits for approval: dockhand approve ${container} --host ${host}` : ''}`,
            );
          const result: unknown = o.wait ? await handle.result() : undefined;
          if (o.json) console.log(JSON.stringify({ workflowId: handle.workflowId, ...(o.wait ? { result } : {}) }));
          else if (o.wait) console.log(JSON.stringify(result, null, 2));
          return;
        }
        if (action === 'release') {
          const handle = client.workflow.getHandle(
            remediationId(RULE_WORKFLOWS.restartUnhealthy.kind, host, container),
          );
          await handle.signal(releaseSignal, { by: o.by, reason: o.reason });
          const result: unknown = o.wait ? await handle.result() : undefined;
          console.log(
            o.json
              ? JSON.stringify({ workflowId: handle.workflowId, result })
              : `released ${container} (${handle.workflowId})`,
          );
          return;
        }
        if (!(action in ACTIONS))
          throw new Error(`action "${action}": expected one of restart, memory, harden, release`);
        // When an incident for this container is open, the request joins it (and its budget).
        const handle = await startRemediation(client, config, {
          workflowType: ACTIONS[action as keyof typeof ACTIONS],
          host,
          container,
          input: { host, container, manual: true, policy: { idleMs: 1000 } },
          event: { action: `manual-${action}`, timeNano: `${BigInt(Date.now()) * 1_000_000n}`, source: 'cli' },
          summary: `${action} ${container} on ${host}, asked by ${o.by}`,
          startedBy: `${o.by} via the CLI (\`dockhand remediate ${container} ${action}\`)`,
        });
        if (!o.wait)
          return void console.log(
            o.json ? JSON.stringify({ workflowId: handle.workflowId }) : `started ${handle.workflowId}`,
          );
        const result: unknown = await handle.result();
        console.log(
          o.json
            ? JSON.stringify({ workflowId: handle.workflowId, result })
            : `${handle.workflowId}: ${JSON.stringify(result)}`,
        );
      },
    );
}
