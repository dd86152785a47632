import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { Labels } from '../../common/labels';
import { canonicalJson } from './canonical-json';

/**
 * The spec hash covers exactly what the Engine would run: the create body (secrets included, hashed
 * one way) with the image *id* in place of its tag, so a re-tagged image is a new spec. The
 * container's name and the hash label itself are left out.
 */
export function specHash(body: Docker.ContainerCreateOptions, imageId: string): string {
  const { name: _name, Labels: labels = {}, ...rest } = body;
  const { [Labels.specHash]: _own, ...otherLabels } = labels;
  const hashed = { ...rest, Image: imageId, Labels: otherLabels };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex').slice(0, 24);
}
