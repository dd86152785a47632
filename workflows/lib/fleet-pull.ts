import { planHost } from './fleet-blue-green-steps';
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

/**
 * The image onto every host and each host's plan, all side by side, before any host changes: one round
 * instead of a resolve, a pinned pull and a plan one after the other. Every host pulls by reference; the
 * first digest returned is the pin, and a host that resolved other bytes (the tag moved meanwhile, or
 * an older image under the tag) pulls the pinned digest after. Marks each run `imageReady`. Returns the pin.
 */
export async function pullAndPlanEverywhere(image: string, fleet: FleetRun): Promise<string | undefined> {
  const pins = new ImagePins();
  const digests = new Map<string, string | undefined>();
  await fleet.each('pull and plan', fleet.active, async (r) => {
    const [pulled, planned] = await Promise.allSettled([pins.ensure(r.docker, image), planHost(r)]);
    if (pulled.status === 'rejected') {
      r.plan = undefined; // nothing of this deploy on the host (a lost one needs no repair)
      throw pulled.reason;
    }
    if (planned.status === 'rejected') throw planned.reason;
    digests.set(r.host, pulled.value.digest);
    return `has ${pulled.value.digest ?? pulled.value.id}; ${planned.value}`;
  });
  const pin = pins.of(image);
  const other = fleet.active.filter((r) => pin && digests.get(r.host) !== pin);
  if (other.length) await fleet.each('pull', other, (r) => pins.ensure(r.docker, image).then(() => `has ${pin}`));
  for (const r of fleet.active) r.imageReady = true;
  return pin;
}
