import { CommanderError } from 'commander';
import { ServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { loadConfig } from '../../common/config';
import { ErrorType } from '../../common/errors';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { errorEnvelope, type Envelope } from './envelope';
import { flagNames } from './flag-names';

/** How an error ends the command: its exit code, a one-line message, and the envelope for --json. */
export interface Ending {
  exitCode: ExitCode;
  message: string;
  envelope: Envelope;
}

/**
 * Turns whatever a command threw into one line and an exit code: commander's usage errors (2, with
 * `--flag: why` instead of commander's sentence), a spec refused before anything started (2, with
 * schema paths turned into flag names), a CliError (its own code), anything else (1, its message
 * only, never a stack trace). `command` is the subcommand line for the "see --help" hint.
 */
export function ending(err: unknown, command: string): Ending {
  if (err instanceof CommanderError) return usage(commanderText(err), command);
  if (err instanceof ApplicationFailure && err.type === ErrorType.BadSpec)
    return usage(flagNames(err.message), command);
  if (err instanceof CliError) {
    const message = err.exitCode === EXIT.usage ? withHint(err.message, command) : err.message;
    return { exitCode: err.exitCode, message, envelope: errorEnvelope(message, err.exitCode, err.extra) };
  }
  if (err instanceof ServiceError) {
    // A call to Temporal failed after connecting (it went away, or something else answers there).
    const cause = err.cause as { details?: string } | undefined;
    const message = `Temporal at ${temporalAddress()}: ${err.message}${cause?.details ? ` (${cause.details})` : ''}`;
    return { exitCode: EXIT.error, message, envelope: errorEnvelope(message, EXIT.error) };
  }
  // Several problems (a service file's) keep one line each; never a stack trace.
  const message = (err as Error)?.message ?? String(err);
  return { exitCode: EXIT.error, message, envelope: errorEnvelope(message, EXIT.error) };
}

function usage(text: string, command: string): Ending {
  const message = withHint(text, command);
  return { exitCode: EXIT.usage, message, envelope: errorEnvelope(message, EXIT.usage) };
}

const withHint = (text: string, command: string) => `${oneLine(text)} (see "${command} --help")`;
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** Commander's "error: option '--bake <duration>' argument '5x' is invalid. "5x" is not a duration"
 * reads better as `--bake: "5x" is not a duration`. */
function commanderText(err: CommanderError): string {
  const text = err.message.replace(/^error: /, '');
  const invalid = /^option '(-\w, )?(--[\w-]+)[^']*' argument '.*' is invalid\. ([\s\S]*)$/.exec(text);
  if (invalid) return `${invalid[2]}: ${invalid[3]}`;
  const argument = /^command-argument value '.*' is invalid for argument '([\w-]+)'\. ([\s\S]*)$/.exec(text);
  if (argument) return `<${argument[1]}>: ${argument[2]}`;
  return text;
}

/** The subcommand a command line names ("dockhand deploy"), for the help hint. */
export function commandLine(argv: string[], names: string[]): string {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const found = words.find((w) => names.includes(w));
  return found ? `dockhand ${found}` : 'dockhand';
}

function temporalAddress(): string {
  try {
    return loadConfig().temporalAddress;
  } catch {
    return 'TEMPORAL_ADDRESS';
  }
}
