import { Option, type Command } from 'commander';
import { duration } from './parsers';

/** The flags of every command that starts a long change and follows it by default (as `docker
 * service update` does since --detach=false became its default). */
export function addFollowOptions(command: Command): Command {
  return command
    .option('-d, --detach', 'return as soon as the change started (it goes on in Temporal)')
    .option('--timeout <duration>', 'stop following after this long (exit 5); the change goes on', duration)
    .addOption(new Option('--wait', 'following is the default now; kept so older scripts work').hideHelp());
}
