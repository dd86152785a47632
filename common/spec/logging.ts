import { z } from 'zod';
import { bytes } from './schema-helpers';

/** Log driver. json-file and local rotate with maxSize/maxFile; none keeps no logs (so `logs` returns
 * nothing); syslog sends them to `options.syslog-address`. Other options pass through as given. */
export const LoggingSpec = z
  .strictObject({
    driver: z.enum(['json-file', 'local', 'none', 'syslog']),
    /** Rotate after this size ("10m"). */
    maxSize: bytes.optional(),
    /** Keep this many rotated files. */
    maxFile: z.number().int().min(1).optional(),
    options: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'not a log option name'), z.string()).optional(),
  })
  .superRefine((l, ctx) => {
    const rotates = l.driver === 'json-file' || l.driver === 'local';
    for (const key of ['maxSize', 'maxFile'] as const) {
      if (l[key] !== undefined && !rotates)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `only applies to the json-file and local drivers, not ${l.driver}`,
        });
    }
    if (l.driver === 'none' && l.options && Object.keys(l.options).length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'the none driver takes no options' });
  });
export type LoggingSpec = z.output<typeof LoggingSpec>;
