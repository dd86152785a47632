import type { Command } from 'commander';
import { answerDeploy, type AnswerKind } from '../../client/answer';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';
import { emit } from './envelope';
import { examples } from './examples';
import { UsageError } from './exit-codes';
import { safeUserName } from './identity';
import { workflowUrl } from './links';

/** `dockhand approve|reject|rollback|resume <target> [--by] [--comment] [--host]`: answers whatever waits
 * on the target — the change of a service (deploy/<service>, blue-green or rolling), the hardening of a
 * container on --host, or a workflow named by its id (cleanup/<host>) — and prints the verdict; a
 * refused answer exits non-zero with the refusal. */
export function registerAnswerCommand(
  program: Command,
  kind: AnswerKind,
  description: string,
  example = `dockhand ${kind} web --comment "looks good"`,
): void {
  const command = program
    .command(kind)
    .description(description)
    .argument(
      '<target>',
      'a service (its running change, deploy/<service>), a container being hardened, or a workflow id such as cleanup/<host>',
    )
    .option(
      '--by <name>',
      'who answers: sent as the Temporal client identity, which the approval policy checks (default: DOCKHAND_USER or the login name; docs/security.md)',
    )
    .option('--comment <text>', 'why')
    .option('--host <id>', 'host of a container being hardened (default: DOCKHAND_HOST_ID or this hostname)')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(async (target: string, o: { by?: string; comment?: string; host?: string; json?: boolean }) => {
      const by = o.by ?? safeUserName();
      if (!by.trim()) throw new UsageError('--by: say who answers');
      const config = loadConfig();
      const client = await connectClient(config, { identity: by });
      const { workflowId, verdict } = await answerDeploy(
        client,
        target,
        kind,
        { by, ...(o.comment ? { comment: o.comment } : {}) },
        o.host ?? config.hostId,
      );
      emit(o.json, { sent: kind, by, verdict }, `${workflowId}: ${verdict}`, {
        workflowId,
        url: workflowUrl(config, workflowId),
      });
    });
  examples(command, example);
}
