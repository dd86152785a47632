/** Exit codes whose meaning is fixed by Docker or by the shell (128 + signal number). */
const KNOWN: Record<number, string> = {
  0: 'exited normally',
  125: 'the container failed to run (Docker itself refused: bad option or engine error)',
  126: 'the command could not be invoked (not executable or permission denied)',
  127: 'the command was not found',
  137: 'killed by SIGKILL (docker kill, a stop timeout, or the OOM killer)',
  143: 'terminated by SIGTERM (docker stop)',
};

/** One line saying what an exit code means; undefined for an application's own codes. Pure. */
export function exitCodeMeaning(code: number): string | undefined {
  if (KNOWN[code]) return KNOWN[code];
  if (code > 128 && code < 160) return `killed by signal ${code - 128}`;
  return undefined;
}
