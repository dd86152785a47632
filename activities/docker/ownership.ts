import type Docker from 'dockerode';
import { Labels } from '../../common/labels';
import { imageIfAny } from './inspect-if-any';

/**
 * Whose a container is, judged from its labels *and* its image's: containers inherit their image's
 * labels, so an image that carries `dockhand.*` labels would make every container run from it look
 * Dockhand's (review L10). A Dockhand label proves ownership only when the container's value is not
 * simply the image's (Dockhand sets the spec hash at create time; no image Dockhand builds carries one).
 * Pure: returns the owning service, or undefined when the container is not provably Dockhand's.
 */
function ownerOf(
  containerLabels: Record<string, string> | null | undefined,
  imageLabels: Record<string, string> | null | undefined,
): string | undefined {
  const own = containerLabels ?? {};
  const inherited = imageLabels ?? {};
  if (own[Labels.managed] !== 'true' || !own[Labels.specHash]) return undefined;
  // The same spec hash on the image: the container's "proof" came from the image.
  if (inherited[Labels.specHash] !== undefined && inherited[Labels.specHash] === own[Labels.specHash]) return undefined;
  return own[Labels.service] ?? '';
}

/** ownerOf for an inspected container, reading its image's labels (an image already gone cannot
 * have lent it any labels). */
export async function ownerOfContainer(docker: Docker, info: Docker.ContainerInspectInfo): Promise<string | undefined> {
  const image = await imageIfAny(docker, info.Image);
  return ownerOf(info.Config.Labels, image?.Config?.Labels);
}
