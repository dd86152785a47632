import { z } from 'zod';
import { kindOf, type ExitCode } from './exit-codes';

/**
 * The one shape of every `--json` output: `{ok, workflowId, url, result}` on success,
 * `{ok: false, workflowId, url, error}` otherwise. `workflowId` and `url` are null when the command
 * concerns no single workflow. test/unit/cli and the CLI integration test validate every command's
 * JSON output against this schema.
 */
const common = {
  workflowId: z.string().min(1).nullable(),
  url: z.url().nullable(),
};
export const Envelope = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), ...common, result: z.unknown() }),
  z.strictObject({
    ok: z.literal(false),
    ...common,
    error: z.strictObject({
      kind: z.enum(['error', 'usage', 'refused', 'findings', 'timed-out']),
      exitCode: z.number().int().min(1).max(5),
      message: z.string().min(1),
      details: z.unknown().optional(),
    }),
  }),
]);
export type Envelope = z.infer<typeof Envelope>;

export interface Target {
  workflowId?: string;
  url?: string;
}

export function okEnvelope(result: unknown, target: Target = {}): Envelope {
  return { ok: true, workflowId: target.workflowId ?? null, url: target.url ?? null, result: result ?? null };
}

export function errorEnvelope(
  message: string,
  exitCode: ExitCode,
  target: Target & { details?: unknown } = {},
): Envelope {
  return {
    ok: false,
    workflowId: target.workflowId ?? null,
    url: target.url ?? null,
    error: {
      kind: kindOf(exitCode),
      exitCode,
      message,
      ...(target.details !== undefined ? { details: target.details } : {}),
    },
  };
}

/** Prints a command's outcome: the envelope on stdout with --json, else the human text. */
export function emit(json: boolean | undefined, result: unknown, human: string | (() => string), target: Target = {}) {
  if (json) console.log(JSON.stringify(okEnvelope(result, target)));
  else {
    const text = typeof human === 'function' ? human() : human;
    if (text) console.log(text);
  }
}
