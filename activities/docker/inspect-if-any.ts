import type Docker from 'dockerode';
import { engineCall } from './engine-errors';

// The question most twice-run activities ask first: "is it there already?". A 404 is an answer
// (undefined), any other Engine error is mapped as engineCall maps it.

/** The container's inspect, or undefined when there is no container by that name or id. */
export const containerIfAny = (docker: Docker, ref: string) =>
  engineCall(`inspect container ${ref}`, () => docker.getContainer(ref).inspect(), [404]);

/** The image's inspect, or undefined when the host does not have it. */
export const imageIfAny = (docker: Docker, ref: string) =>
  engineCall(`inspect image ${ref}`, () => docker.getImage(ref).inspect(), [404]);
