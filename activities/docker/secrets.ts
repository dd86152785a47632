import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { SecretRef } from '../../common/spec/container-spec';
import { ErrorType, failure } from '../../common/errors';

/** Resolves secret env references on the host agent, so clear text never enters workflow history. */
export async function resolveSecretEnv(
  refs: Record<string, z.output<typeof SecretRef>>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, ref] of Object.entries(refs)) {
    if ('fromEnv' in ref) {
      const value = env[ref.fromEnv];
      if (value === undefined)
        throw failure(
          ErrorType.BadSpec,
          `spec.secretEnv.${name}: the host agent has no environment variable ${ref.fromEnv}`,
        );
      out[name] = value;
    } else {
      try {
        out[name] = (await readFile(ref.file, 'utf8')).replace(/\r?\n$/, '');
      } catch (e) {
        throw failure(
          ErrorType.BadSpec,
          `spec.secretEnv.${name}: cannot read ${ref.file} on the host agent (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
        );
      }
    }
  }
  return out;
}
