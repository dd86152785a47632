import { z } from 'zod';

/** Where a change came from: part of a deploy's input, so its history says who asked, through what,
 * and which configuration (file hash and git commit) it was resolved from. */
export const ChangeOrigin = z.strictObject({
  source: z.enum(['cli', 'webhook', 'rollback', 'deploy-guard', 'schedule']),
  requestedBy: z.string().min(1).max(200),
  /** The service file the change was resolved from; absent for a flags-only deploy. */
  config: z
    .strictObject({
      path: z.string().max(1000),
      sha256: z.string().regex(/^[a-f0-9]{64}$/, 'not a SHA-256'),
      /** The commit of the git checkout holding the file, and whether the file differs from it. */
      gitCommit: z
        .string()
        .regex(/^[a-f0-9]{40,64}$/, 'not a commit id')
        .optional(),
      dirty: z.boolean().optional(),
    })
    .optional(),
  /** Fields this one run took from flags or the request instead of the file ("image=api:v2"). */
  overrides: z.array(z.string().max(300)).max(50).default([]),
  /** CI: the webhook delivery and the pipeline run. */
  deliveryId: z.string().max(128).optional(),
  pipeline: z.string().max(500).optional(),
  /** A rollback: the run of deploy/<service> whose image and spec it puts back. */
  rollbackTo: z.string().max(200).optional(),
});
export type ChangeOrigin = z.output<typeof ChangeOrigin>;
export type ChangeOriginInput = z.input<typeof ChangeOrigin>;
