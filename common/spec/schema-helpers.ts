import { z } from 'zod';
import { parseBytes, parseDurationMs, parseNanoCpus } from './units';

/** A string or number read by one of the unit parsers; the parser's error becomes the issue's message. */
function parsedBy(parse: (v: string | number) => number) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    try {
      return parse(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });
}

/** A duration given as "2s"/"500ms" or as milliseconds; parsed to milliseconds. A parsed value parses
 * again to itself, so a spec validated by the CLI validates the same way in the workflow. */
export const durationMs = parsedBy(parseDurationMs);

/** A size given as "512m" or as bytes; parsed to bytes. */
export const bytes = parsedBy(parseBytes);

/** A CPU count given as "1.5" or 1.5; kept as a number of CPUs (NanoCpus are computed at create). */
export const cpus = parsedBy((v) => parseNanoCpus(v) / 1e9);

/** "spec.ports.0.container: expected number, received string; …" — every issue with its path. */
export function formatIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((i) => {
      const path = [root, ...i.path.map(String)].filter(Boolean).join('.');
      return `${path || '(input)'}: ${i.message}`;
    })
    .join('; ');
}
