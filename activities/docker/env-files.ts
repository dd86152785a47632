import { readFile } from 'node:fs/promises';
import { ErrorType, failure } from '../../common/errors';
import { redactText } from '../../common/redact';

/**
 * Reads `docker run --env-file` syntax: KEY=value per line (the value verbatim, quotes included),
 * blank lines and # comments skipped, a bare KEY takes the agent's own value when it has one.
 * Pure; `where` names the file in errors.
 */
export function parseEnvFile(text: string, where: string, agentEnv: NodeJS.ProcessEnv = {}): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq === -1 ? line.trimEnd() : line.slice(0, eq);
    // A line without "=" may be a secret itself (a raw secret file given as an env file): never echoed.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new Error(
        eq === -1
          ? `${where} line ${i + 1}: neither KEY=value nor a variable name (the line is not shown: it may be a secret)`
          : `${where} line ${i + 1}: "${redactText(key).slice(0, 64)}" is not an environment variable name`,
      );
    if (eq !== -1) out[key] = line.slice(eq + 1);
    else if (agentEnv[key] !== undefined) out[key] = agentEnv[key]!;
  });
  return out;
}

/** Reads the spec's env files on the host agent, later files winning. Unreadable or malformed files
 * are a BadSpec naming the file (never its contents, which may be secret). */
export async function readEnvFiles(
  paths: string[] = [],
  agentEnv: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [i, path] of paths.entries()) {
    const where = `spec.envFiles.${i} (${path})`;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw failure(
        ErrorType.BadSpec,
        `${where}: cannot read it on the host agent (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      );
    }
    try {
      Object.assign(out, parseEnvFile(text, where, agentEnv));
    } catch (e) {
      throw failure(ErrorType.BadSpec, (e as Error).message);
    }
  }
  return out;
}
