import os from 'node:os';
import type { Command } from 'commander';
import { answerDeploy, type AnswerKind } from '../../client/answer';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';

/** `dockhand approve|reject|rollback <service> [--by] [--comment]`: signals the change of the service
 * that runs under deploy/<service>, whichever workflow it is (blue-green, rolling). */
export function registerAnswerCommand(program: Command, kind: AnswerKind, description: string): void {
  program
    .command(kind)
    .description(description)
    .argument('<service>', 'the service whose running change (workflow deploy/<service>) to answer')
    .option('--by <name>', 'who answers (checked against the approver list)', process.env.DOCKHAND_USER ?? os.userInfo().username)
    .option('--comment <text>', 'why')
    .action(async (service: string, o: { by: string; comment?: string }) => {
      const config = loadConfig();
      const client = await connectClient(config);
      const { workflowId } = await answerDeploy(client, service, kind, { by: o.by, ...(o.comment ? { comment: o.comment } : {}) });
      console.log(`sent ${kind} to ${workflowId} as ${o.by}`);
    });
}
