import { describe, expect, it } from 'vitest';
import type { EnsureImageInput, EnsureImageResult } from '../../../common/docker-activities';
import type { HostAgent } from '../../../workflows/lib/activity-options';
import { ImagePins } from '../../../workflows/lib/image-pins';

const D = `sha256:${'d'.repeat(64)}`;

/** A host agent that answers ensureImage only, recording what it was asked. */
function host(answer: Partial<EnsureImageResult>) {
  const asked: EnsureImageInput[] = [];
  const agent = {
    ensureImage: async (input: EnsureImageInput) => {
      asked.push(input);
      return { image: input.image, id: 'sha256:id', pulled: true, ...answer };
    },
  } as unknown as HostAgent;
  return { agent, asked };
}

describe('image pins', () => {
  it('pins the digest the first host resolved and passes it to every later host', async () => {
    const pins = new ImagePins();
    const first = host({ digest: D });
    const second = host({ digest: D });
    await pins.ensure(first.agent, 'reg:5000/app:v1');
    await pins.ensure(second.agent, 'reg:5000/app:v1');
    expect(first.asked).toEqual([{ image: 'reg:5000/app:v1' }]);
    expect(second.asked).toEqual([{ image: 'reg:5000/app:v1', digest: D }]);
    expect(pins.of('reg:5000/app:v1')).toBe(D);
    expect(pins.of('reg:5000/app:v2')).toBeUndefined();
  });

  it('pins nothing for an image from no registry (built or loaded on the host)', async () => {
    const pins = new ImagePins();
    const later = host({});
    await pins.ensure(host({}).agent, 'app:local');
    await pins.ensure(later.agent, 'app:local');
    expect(later.asked).toEqual([{ image: 'app:local' }]);
  });
});
