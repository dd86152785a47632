import { ApplicationFailure, setCurrentDetails } from '@temporalio/workflow';
import { PullImageErrorType, PullImageInput, type PullImageRequest, type PullImageResult } from '../common/pull-image';
import { validate } from '../common/spec/validate';
import { hostAgent } from './lib/activity-options';
import { ImagePins } from './lib/image-pins';

/**
 * Puts one image on every host, the same bytes everywhere: the first host pulls by reference and its
 * digest is pinned; the others then pull that digest, side by side. A host that cannot pull fails the
 * run naming the host, with the registry's answer as the cause (ImageMissing from the agent).
 */
export async function pullImage(request: PullImageRequest): Promise<PullImageResult> {
  const { image, hosts } = validate(PullImageInput, request, 'input');
  const pins = new ImagePins();
  const onHost = async (host: string) => {
    try {
      const r = await pins.ensure(hostAgent(host), image);
      return { host, id: r.id, pulled: r.pulled };
    } catch (err) {
      throw ApplicationFailure.create({
        type: PullImageErrorType.HostPullFailed,
        message: `host ${host}: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}`,
        nonRetryable: true,
        cause: err as Error,
      });
    }
  };
  const [first, ...rest] = hosts;
  setCurrentDetails(`Resolving **${image}** on host ${first}`);
  const resolved = await onHost(first!);
  const digest = pins.of(image);
  setCurrentDetails(`Pulling **${image}**${digest ? ` (${digest})` : ''} on ${rest.length} more hosts`);
  const others = await Promise.all(rest.map(onHost));
  return { image, ...(digest ? { digest } : {}), hosts: [resolved, ...others] };
}
