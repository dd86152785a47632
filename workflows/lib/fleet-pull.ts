import type { FleetRun, HostRun } from './fleet-run';
import { ImagePins } from './image-pins';

/** The image onto every host before any host changes: the first host resolves its digest, the others
 * pull that digest side by side (the same bytes everywhere; a host that cannot pull fails the change
 * with the registry's answer while nothing has changed yet). Returns the pinned digest. */
export async function pullEverywhere(image: string, fleet: FleetRun): Promise<string | undefined> {
  const pins = new ImagePins();
  const pull = (r: HostRun) => pins.ensure(r.docker, image).then((i) => `has ${i.digest ?? i.id}`);
  const [first, ...rest] = fleet.runs;
  await fleet.each('pull', [first!], pull);
  await fleet.each('pull', rest, pull);
  return pins.of(image);
}
