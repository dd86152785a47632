import { readFileSync } from 'node:fs';

/** A secret as configured: `file:<path>` is read from that file (Compose and Kubernetes mount secrets
 * as files), trimmed; anything else is the value itself. Read when used, so a rotated file is seen. */
export function secretValue(configured: string | undefined): string | undefined {
  if (configured === undefined || !configured.startsWith('file:')) return configured;
  const file = configured.slice('file:'.length);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new Error(
      `cannot read the secret file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { cause: e },
    );
  }
}
