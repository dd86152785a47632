import { Command } from 'commander';
import { registerDemo } from './commands/demo';
import { registerEnsure } from './commands/ensure';
import { registerRollingUpdate } from './commands/rolling-update';
import { registerStack } from './commands/stack';
import { registerScan } from './commands/scan';
import { registerDeploy } from './commands/deploy';
import { registerApprove } from './commands/approve';
import { registerReject } from './commands/reject';
import { registerResume } from './commands/resume';
import { registerCanaryAnswers } from './commands/canary-answers';
import { registerRollback } from './commands/rollback';
import { registerCancel } from './commands/cancel';
import { registerEvents } from './commands/events';
import { registerRules } from './commands/rules';
import { registerRemediate } from './commands/remediate';
import { registerSweep } from './commands/sweep';
import { registerHosts } from './commands/hosts';
import { registerCleanup } from './commands/cleanup';
import { registerConfig } from './commands/config';
import { registerStatus } from './commands/status';
import { registerList } from './commands/list';
import { registerHistory } from './commands/history';
import { registerLogs } from './commands/logs';
import { registerCodecServer } from './commands/codec-server';
import { examples } from './lib/examples';
import { dockhandVersion } from './lib/version';
import { selectTemporalProfile } from '../common/config';

/**
 * The `dockhand` command, not yet run: cli/main.ts parses the command line with it, tests read its
 * commands' help. Each subcommand lives in cli/commands/<name>.ts. Commander does not print errors
 * or exit by itself (exitOverride): cli/main.ts reports every error as one line with its exit code.
 */
export function buildProgram(): Command {
  const program = new Command('dockhand')
    .description('durable, approvable Docker operations on Temporal')
    .version(dockhandVersion(), '-v, --version', 'print the version')
    .option('--config <file>', 'the service file (default: DOCKHAND_CONFIG, else ./dockhand.yml)')
    .option(
      '--profile <name>',
      'the Temporal client config profile to connect with (default: TEMPORAL_PROFILE, else "default"; docs/security.md)',
    )
    .hook('preAction', (root) => {
      const profile = root.opts<{ profile?: string }>().profile;
      if (profile) selectTemporalProfile(profile);
    })
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  examples(program, 'dockhand deploy web', 'dockhand status web', 'dockhand --version');
  registerStack(program);
  registerEnsure(program);
  registerDemo(program);
  registerScan(program);
  registerRollingUpdate(program);
  registerDeploy(program);
  registerStatus(program);
  registerList(program);
  registerHistory(program);
  registerLogs(program);
  registerApprove(program);
  registerReject(program);
  registerResume(program);
  registerCanaryAnswers(program);
  registerRollback(program);
  registerCancel(program);
  registerEvents(program);
  registerRules(program);
  registerRemediate(program);
  registerSweep(program);
  registerHosts(program);
  registerCleanup(program);
  registerConfig(program);
  registerCodecServer(program);
  // demo is `npm start`'s command (its file belongs to the demo work): its example is added here.
  examples(
    program.commands.find((c) => c.name() === 'demo')!,
    'npm start',
    'dockhand demo --image dockhand-fixture-app:v2',
  );
  return program;
}
