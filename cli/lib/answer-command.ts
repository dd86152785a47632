import type { Command } from 'commander';
import { answerDeploy, type AnswerKind } from '../../client/answer';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';
import { safeUserName } from './identity';

/** `dockhand approve|reject|rollback|resume <target> [--by] [--comment] [--host]`: answers whatever waits
 * on the target — the change of a service (deploy/<service>, blue-green or rolling), the hardening of a
 * container on --host, or a workflow named by its id (cleanup/<host>) — and prints the verdict; a
 * refused answer exits non-zero with the refusal. */
export function registerAnswerCommand(program: Command, kind: AnswerKind, description: string): void {
  program
    .command(kind)
    .description(description)
    .argument(
      '<target>',
      'a service (its running change, deploy/<service>), a container being hardened, or a workflow id such as cleanup/<host>',
    )
    .option(
      '--by <name>',
      'who answers: sent as the Temporal client identity, which the approver list checks (docs/security.md)',
      safeUserName(),
    )
    .option('--comment <text>', 'why')
    .option('--host <id>', 'host of a container being hardened (default: DOCKHAND_HOST_ID or this hostname)')
    .action(async (target: string, o: { by: string; comment?: string; host?: string }) => {
      const config = loadConfig();
      const client = await connectClient(config, { identity: o.by });
      const { workflowId, verdict } = await answerDeploy(
        client,
        target,
        kind,
        { by: o.by, ...(o.comment ? { comment: o.comment } : {}) },
        o.host ?? config.hostId,
      );
      console.log(`${workflowId}: ${verdict}`);
    });
}
