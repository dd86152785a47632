import { Command } from 'commander';
import { registerDemo } from './commands/demo';
import { registerEnsure } from './commands/ensure';
import { registerRollout } from './commands/rollout';
import { registerStack } from './commands/stack';
import { registerScan } from './commands/scan';
import { registerDeploy } from './commands/deploy';
import { registerApprove } from './commands/approve';
import { registerReject } from './commands/reject';
import { registerRollback } from './commands/rollback';
import { registerEvents } from './commands/events';
import { registerRules } from './commands/rules';
import { registerRemediate } from './commands/remediate';
import { registerSweep } from './commands/sweep';
import { registerHosts } from './commands/hosts';
import { registerCleanup } from './commands/cleanup';
import { registerConfig } from './commands/config';
import { registerStatus } from './commands/status';

/** The `dockhand` command. Each subcommand lives in cli/commands/<name>.ts. */
const program = new Command('dockhand')
  .description('durable, approvable Docker operations on Temporal')
  .option('--config <file>', 'the service file (default: DOCKHAND_CONFIG, else ./dockhand.yml)')
  .showHelpAfterError();
registerStack(program);
registerEnsure(program);
registerDemo(program);
registerScan(program);
registerRollout(program);
registerDeploy(program);
registerApprove(program);
registerReject(program);
registerRollback(program);
registerEvents(program);
registerRules(program);
registerRemediate(program);
registerSweep(program);
registerHosts(program);
registerCleanup(program);
registerConfig(program);
registerStatus(program);

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`dockhand: ${err.message}`);
  process.exit(1);
});
