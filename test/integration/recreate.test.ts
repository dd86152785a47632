import { afterAll, describe, expect, it } from 'vitest';
import { createRecreateActivities, recreateBody, stagingName } from '../../activities/docker/recreate';
import { docker, removeNetwork } from '../support/docker';
import { testIds } from '../support/workers';

const ids = testIds('rcr');
const MiB = 1024 * 1024;
const name = `rcr-app-${ids.suffix}`;
const front = `rcr-front-${ids.suffix}`;
const back = `rcr-back-${ids.suffix}`;
const { recreateWithMemory } = createRecreateActivities(docker);

afterAll(async () => {
  for (const n of [name, stagingName(name)])
    await docker
      .getContainer(n)
      .remove({ force: true })
      .catch(() => undefined);
  for (const n of [front, back]) await removeNetwork(n);
});

describe('recreateWithMemory after a crash (real engine)', () => {
  it('a staged copy that never got its secondary networks is completed on the retry, not accepted as is (L1)', async () => {
    for (const n of [front, back]) await docker.createNetwork({ Name: n, Driver: 'bridge' });
    const old = await docker.createContainer({
      name,
      Image: 'dockhand-fixture-app:v1',
      HostConfig: { Init: true, Memory: 16 * MiB, MemorySwap: 16 * MiB, NetworkMode: front },
    });
    await docker.getNetwork(back).connect({ Container: old.id, EndpointConfig: { Aliases: ['db-client'] } });
    const limits = { memory: 32 * MiB, memorySwap: 32 * MiB };

    // The first attempt died right after the create: the copy exists, joined to the primary network only.
    const { body, moreNetworks } = recreateBody(await old.inspect(), stagingName(name), limits);
    expect(moreNetworks.map(([net]) => net)).toEqual([back]);
    await docker.createContainer(body);

    const { id, replaced } = await recreateWithMemory({ name, limits });
    expect(replaced).toBe(old.id);
    const fresh = await docker.getContainer(name).inspect();
    expect(fresh.Id).toBe(id);
    expect(Object.keys(fresh.NetworkSettings.Networks).sort()).toEqual([back, front].sort());
    expect(fresh.NetworkSettings.Networks[back]!.Aliases).toContain('db-client');
    expect(fresh.State.Running).toBe(true);
    await expect(old.inspect()).rejects.toMatchObject({ statusCode: 404 });

    // Twice: the recreated container is left as it is.
    expect(await recreateWithMemory({ name, limits })).toEqual({ id });
  });
});
