import { CommanderError } from 'commander';
import { EXIT } from './lib/exit-codes';
import { buildProgram } from './program';
import { commandLine, ending } from './lib/report-error';

/** Runs `dockhand`: every error ends as one line on stderr (and, with --json, the error envelope on
 * stdout) with its exit code (docs/cli.md); never a stack trace. */
const program = buildProgram();
const json = process.argv.includes('--json');
program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? EXIT.done),
  (err: unknown) => {
    if (err instanceof CommanderError && ['commander.helpDisplayed', 'commander.version'].includes(err.code))
      process.exit(EXIT.done);
    // `dockhand` alone, or a command group without its subcommand: commander printed the help.
    if (err instanceof CommanderError && err.code === 'commander.help') process.exit(EXIT.usage);
    const e = ending(
      err,
      commandLine(
        process.argv,
        program.commands.map((c) => c.name()),
      ),
    );
    if (json) console.log(JSON.stringify(e.envelope));
    console.error(`dockhand: ${e.message}`);
    process.exit(e.exitCode);
  },
);
