import { z } from 'zod';
import { parseBytes, parseDurationMs, parseNanoCpus } from './units';

/** A duration given as "2s"/"500ms" or as milliseconds; parsed to milliseconds. A parsed value parses
 * again to itself, so a spec validated by the CLI validates the same way in the workflow. */
export const durationMs = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDurationMs(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/** A size given as "512m" or as bytes; parsed to bytes. */
export const bytes = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseBytes(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/** A CPU count given as "1.5" or 1.5; kept as a number of CPUs (NanoCpus are computed at create). */
export const cpus = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseNanoCpus(v) / 1e9;
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/** "spec.ports.0.container: expected number, received string; …" — every issue with its path. */
export function formatIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((i) => {
      const path = [root, ...i.path.map(String)].filter(Boolean).join('.');
      return `${path || '(input)'}: ${i.message}`;
    })
    .join('; ');
}
