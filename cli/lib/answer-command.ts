import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { answerDeploy, type AnswerKind, type AnswerSigner } from '../../client/answer';
import { AnswerKeyError, parsePrivateKey, signAnswer } from '../../common/answer-keys';
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
    .option(
      '--key <file>',
      'sign the answer with this Ed25519 private key (ssh-keygen -t ed25519, unencrypted, or PEM); its public half is listed under approval.keys.<--by> in the service file',
    )
    .option('--host <id>', 'host of a container being hardened (default: DOCKHAND_HOST_ID or this hostname)')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(
      async (target: string, o: { by?: string; comment?: string; host?: string; key?: string; json?: boolean }) => {
        const by = o.by ?? safeUserName();
        if (!by.trim()) throw new UsageError('--by: say who answers');
        const sign = o.key === undefined ? undefined : signerFrom(o.key, by);
        const config = loadConfig();
        const client = await connectClient(config, { identity: by });
        const { workflowId, verdict } = await answerDeploy(
          client,
          target,
          kind,
          { by, ...(o.comment ? { comment: o.comment } : {}) },
          o.host ?? config.hostId,
          sign,
        );
        emit(o.json, { sent: kind, by, verdict }, `${workflowId}: ${verdict}`, {
          workflowId,
          url: workflowUrl(config, workflowId),
        });
      },
    );
  examples(command, example);
}

/** Reads the key before anything is sent, so a bad key file is a usage error naming the file. */
export function signerFrom(file: string, signer: string): AnswerSigner {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--key: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let key: ReturnType<typeof parsePrivateKey>;
  try {
    key = parsePrivateKey(text);
  } catch (e) {
    if (e instanceof AnswerKeyError) throw new UsageError(`--key: ${file}: ${e.message}`);
    throw e;
  }
  return (f) => signAnswer(key, { ...f, signer });
}
