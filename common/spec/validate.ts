import { z } from 'zod';
import { failure, ErrorType } from '../errors';
import { formatIssues } from './schema-helpers';

/** Parses `input` with `schema`; on bad input throws a non-retryable BadSpec failure whose message
 * names every bad field ("spec.ports.0.container: …"). Used by the CLI before a workflow starts and
 * by workflows before anything changes. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw failure(ErrorType.BadSpec, `invalid ${root}: ${formatIssues(r.error, root)}`);
  return r.data;
}
