import type Docker from 'dockerode';
import { heartbeat } from '@temporalio/activity';
import { ErrorType, failure } from '../../common/errors';
import { engineCall } from './engine-errors';

export interface EnsureImageInput { image: string }
export interface EnsureImageResult { image: string; id: string; pulled: boolean }

export function createImageActivities(docker: Docker) {
  return {
    /** Makes sure the image is on this host, pulling it when a registry can be reached.
     * Twice: the second run finds it present and pulls nothing. */
    async ensureImage({ image }: EnsureImageInput): Promise<EnsureImageResult> {
      const present = await engineCall(`inspect image ${image}`, () => docker.getImage(image).inspect(), [404]);
      if (present) return { image, id: present.Id, pulled: false };
      try {
        const stream = await docker.pull(image);
        await new Promise<void>((resolve, reject) =>
          docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()), (event: { status?: string; progress?: string }) =>
            heartbeat({ status: event.status, progress: event.progress }),
          ),
        );
      } catch (e) {
        const why = (e as { json?: { message?: string } }).json?.message ?? (e as Error).message;
        throw failure(ErrorType.ImageMissing, `image ${image} is not on this host and cannot be pulled: ${String(why).trim()}`);
      }
      const pulled = await engineCall(`inspect image ${image}`, () => docker.getImage(image).inspect());
      return { image, id: pulled!.Id, pulled: true };
    },
  };
}
