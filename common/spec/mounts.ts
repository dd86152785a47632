import { z } from 'zod';

const absolutePath = z.string().startsWith('/', 'must be an absolute path');

/** A volume (named and created on demand, or anonymous when `source` is left out — removed with the
 * container by `removeContainer({ volumes: true })`), a bind mount of a host path, or a tmpfs. */
export const MountSpec = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('volume'),
    source: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a volume name')
      .optional(),
    target: absolutePath,
    readOnly: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('bind'),
    source: absolutePath,
    target: absolutePath,
    readOnly: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('tmpfs'), target: absolutePath, sizeBytes: z.number().int().positive().optional() }),
]);
export type MountSpec = z.output<typeof MountSpec>;
