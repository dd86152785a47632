import type { EnsureImageResult } from '../../common/docker-activities';
import type { HostAgent } from './activity-options';

/**
 * The digest of each image as the first host resolved it. Every later ensure of that image, on any host,
 * carries it as a pin, so a tag moved in the registry mid-change cannot put other bytes on a later host.
 * Resolve on one host first and only then on the others (in parallel): two first resolves at once
 * could each see another digest.
 */
export class ImagePins {
  private readonly pins = new Map<string, string>();

  /** ensureImage on one host, pinned when this image was resolved before; the first resolve that
   * yields a digest becomes the pin (resolves side by side: the first to return). */
  async ensure(docker: HostAgent, image: string): Promise<EnsureImageResult> {
    const pin = this.pins.get(image);
    const result = await docker.ensureImage({ image, ...(pin ? { digest: pin } : {}) });
    if (!this.pins.has(image) && result.digest) this.pins.set(image, result.digest);
    return result;
  }

  /** The pinned digest of `image`, if resolved. */
  of(image: string): string | undefined {
    return this.pins.get(image);
  }
}
