import { z } from 'zod';
import { parseImageRef } from './image-ref';
import { DOCKER_NAME } from './spec/container-spec';

/** One image onto several hosts, all the same bytes: the first host resolves the reference through the
 * registry, the others pull the digest it resolved (a fleet change's first step, before any host
 * changes). */
export const PullImageInput = z.strictObject({
  image: z.string().superRefine((ref, ctx) => {
    try {
      parseImageRef(ref);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^image: /, '') });
    }
  }),
  hosts: z
    .array(z.string().regex(DOCKER_NAME, 'not a host id'))
    .min(1)
    .refine((hs) => new Set(hs).size === hs.length, { message: 'hosts must be unique' }),
});
export type PullImageRequest = z.input<typeof PullImageInput>;

interface PulledOnHost {
  host: string;
  /** The Engine's image id there (the same on every host). */
  id: string;
  pulled: boolean;
}
export interface PullImageResult {
  image: string;
  /** The manifest digest every host holds; undefined when the first host had the image from no registry. */
  digest?: string;
  hosts: PulledOnHost[];
}

/** Why a pull across hosts failed: the host, and its cause as the failure's cause. */
export const PullImageErrorType = { HostPullFailed: 'DockhandHostPullFailed' } as const;
