import type { Command } from 'commander';
import { answerDeploy, type AnswerKind } from '../../client/answer';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';
import { safeUserName } from './identity';

/** `dockhand approve|reject|rollback <target> [--by] [--comment] [--host]`: signals whatever waits on
 * the target — the change of a service (deploy/<service>, blue-green or rolling), the hardening of a
 * container on --host, or a workflow named by its id (cleanup/<host>). */
export function registerAnswerCommand(program: Command, kind: AnswerKind, description: string): void {
  program
    .command(kind)
    .description(description)
    .argument(
      '<target>',
      'a service (its running change, deploy/<service>), a container being hardened, or a workflow id such as cleanup/<host>',
    )
    .option('--by <name>', 'who answers (checked against the approver list)', safeUserName())
    .option('--comment <text>', 'why')
    .option('--host <id>', 'host of a container being hardened (default: DOCKHAND_HOST_ID or this hostname)')
    .action(async (target: string, o: { by: string; comment?: string; host?: string }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const { workflowId } = await answerDeploy(
        client,
        target,
        kind,
        { by: o.by, ...(o.comment ? { comment: o.comment } : {}) },
        o.host ?? config.hostId,
      );
      console.log(`sent ${kind} to ${workflowId} as ${o.by}`);
    });
}
