/**
 * The exit codes of every `dockhand` command, distinct so CI can tell "a person said no" from
 * "infrastructure broke" (docs/cli.md lists them; keep the two in step).
 */
export const EXIT = {
  /** The command did what was asked (a followed change succeeded). */
  done: 0,
  /** The command failed: Temporal or Redis unreachable, a change failed, a bad service file. */
  error: 1,
  /** Usage: an unknown command or flag, a bad flag value. Nothing was contacted. */
  usage: 2,
  /** The followed change was rejected, rolled back, cancelled or aborted (it undid itself). */
  refused: 3,
  /** `scan --fail-on`: findings at or above the threshold. */
  findings: 4,
  /** `--timeout` passed while following; the change itself goes on. */
  timedOut: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The name an exit code carries in a JSON envelope's `error.kind`. */
export type ErrorKind = 'error' | 'usage' | 'refused' | 'findings' | 'timed-out';
const KIND_OF: Record<ExitCode, ErrorKind | undefined> = {
  0: undefined,
  1: 'error',
  2: 'usage',
  3: 'refused',
  4: 'findings',
  5: 'timed-out',
};
export const kindOf = (code: ExitCode): ErrorKind => KIND_OF[code] ?? 'error';

/** An error that ends the command with a given exit code (and, with --json, in the envelope's
 * `error`, with the workflow it concerns and any details). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
    readonly extra: { workflowId?: string; url?: string; details?: unknown } = {},
  ) {
    super(message);
  }
}

/** Bad usage found before anything is contacted: one line, "see --help", exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}
