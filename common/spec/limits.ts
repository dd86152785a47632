import { z } from 'zod';

/**
 * Size limits of a container spec. A spec travels in a workflow's input, its history and its result:
 * one Temporal payload, which the server warns about at 256 KB and refuses at 2 MB. Without limits an
 * oversized spec fails at the server with an error that names no field (review L7); with them it is
 * refused by validation, naming the field, before anything starts. Generous for real use: Docker's
 * own argv and environment limits (ARG_MAX, usually 2 MB in all) are about the same scale.
 */
export const SPEC_LIMITS = {
  /** env, secretEnv: entries and the characters of all names and values together. */
  envEntries: 500,
  envChars: 64 * 1024,
  /** labels: entries and characters of all keys and values. */
  labelEntries: 200,
  labelChars: 32 * 1024,
  /** command, entrypoint, healthcheck test: arguments and characters of all of them. */
  argv: 500,
  argvChars: 32 * 1024,
  /** Any other list (ports, mounts, aliases, env files). */
  listItems: 100,
  /** Any single string without a limit of its own (paths, user, names). */
  stringChars: 4096,
} as const;

/** A string of at most `max` characters (SPEC_LIMITS.stringChars by default). */
export const boundedString = (max: number = SPEC_LIMITS.stringChars) =>
  z.string().max(max, `at most ${max} characters`);

/** A record with at most `entries` entries and `chars` characters of keys and values together. */
export function boundedRecord<V extends z.ZodType>(
  key: z.ZodType<string>,
  value: V,
  o: { entries: number; chars: number; size: (v: z.output<V>) => number },
) {
  return z.record(key, value).superRefine((rec, ctx) => {
    const entries = Object.entries(rec as Record<string, z.output<V>>);
    if (entries.length > o.entries)
      ctx.addIssue({ code: 'custom', message: `${entries.length} entries, at most ${o.entries}` });
    const chars = entries.reduce((n, [k, v]) => n + k.length + o.size(v), 0);
    if (chars > o.chars) ctx.addIssue({ code: 'custom', message: `${chars} characters in all, at most ${o.chars}` });
  });
}

/** An argument list (command, entrypoint): at most SPEC_LIMITS.argv arguments, argvChars characters in all. */
export const argv = () =>
  z
    .array(z.string())
    .max(SPEC_LIMITS.argv, `at most ${SPEC_LIMITS.argv} arguments`)
    .refine((args) => args.reduce((n, a) => n + a.length, 0) <= SPEC_LIMITS.argvChars, {
      message: `at most ${SPEC_LIMITS.argvChars} characters in all`,
    });

/** A list of at most SPEC_LIMITS.listItems items. */
export const boundedList = <T extends z.ZodType>(item: T, max: number = SPEC_LIMITS.listItems) =>
  z.array(item).max(max, `at most ${max} items`);
