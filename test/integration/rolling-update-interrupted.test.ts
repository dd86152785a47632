import { describe, expect, it } from 'vitest';
import { loadUntil } from '../../bench/lib/load';
import { docker } from '../support/docker';
import { expectedReplicas, useRolloutWorld, waitFor } from '../support/rollout';

const { newService } = useRolloutWorld('rollinterrupt');

describe('rollingUpdate after an interrupted rollout', () => {
  it('every slot was replaced when the run stopped: the re-run puts the originals back through the edge, 0 failed requests', async () => {
    const app = newService('interrupted');
    await app.roll('v1', { replicas: 3, parallelism: 3, monitor: 0 });
    const url = `http://127.0.0.1:${await app.edgePort()}/version`;
    const idsOf = async () =>
      Promise.all([1, 2, 3].map(async (slot) => (await docker.getContainer(`${app.service}-${slot}`).inspect()).Id));
    const originals = await idsOf();
    // A v2 run replaces all three at once, then watches them for minutes: stopped there (terminated, so
    // no undo runs), it leaves each slot's v2 under the slot's name, serving, and its v1 kept as -prev.
    const interrupted = await app.start('v2', { parallelism: 3, monitor: '5m' });
    await waitFor(
      async () => {
        const replicas = await app.replicas();
        const kept = replicas.filter((r) => r.name.endsWith('-prev') && r.state !== 'running');
        const serving = replicas.filter((r) => /-\d+$/.test(r.name) && r.image.endsWith(':v2') && r.healthy);
        const answer = await fetch(url).then(
          (r) => r.text(),
          () => '',
        );
        return kept.length === 3 && serving.length === 3 && answer.trim() === 'v2';
      },
      180_000,
      'every slot on v2 with its v1 kept as -prev',
      500,
    );
    await interrupted.terminate('interrupted by the test');

    let done = false;
    const rerun = app.roll('v1', { parallelism: 3 }).finally(() => (done = true));
    const load = await loadUntil(url, () => done, { concurrency: 4, ratePerSec: 40 });
    const result = await rerun;
    expect(result.outcome).toBe('updated');
    expect(load.failed).toEqual([]);
    expect(load.total).toBeGreaterThan(0);
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 3, 'v1'));
    // The originals came back (by id), not new v1 replicas.
    expect(await idsOf()).toEqual(originals);
  }, 420_000);

  it('a one-replica service interrupted: the re-run brings the original back beside the v2 replica, so the edge keeps serving, 0 failed requests', async () => {
    const app = newService('interrupted1');
    await app.roll('v1', { replicas: 1, monitor: 0 });
    const url = `http://127.0.0.1:${await app.edgePort()}/version`;
    const idOf = async () => (await docker.getContainer(`${app.service}-1`).inspect()).Id;
    const original = await idOf();
    const interrupted = await app.start('v2', { monitor: '5m' });
    await waitFor(
      async () => {
        const replicas = await app.replicas();
        const kept = replicas.some((r) => r.name === `${app.service}-1-prev` && r.state !== 'running');
        const serving = replicas.some((r) => r.name === `${app.service}-1` && r.image.endsWith(':v2') && r.healthy);
        const answer = await fetch(url).then(
          (r) => r.text(),
          () => '',
        );
        return kept && serving && answer.trim() === 'v2';
      },
      120_000,
      'the only slot on v2 with its v1 kept as -prev',
      500,
    );
    await interrupted.terminate('interrupted by the test');

    let done = false;
    const rerun = app.roll('v1').finally(() => (done = true));
    const load = await loadUntil(url, () => done, { concurrency: 4, ratePerSec: 40 });
    const result = await rerun;
    expect(result.outcome).toBe('updated');
    expect(load.failed).toEqual([]); // before: 503 from the edge while the only replica was restored
    expect(load.total).toBeGreaterThan(0);
    expect(await app.replicas()).toEqual(expectedReplicas(app.service, 1, 'v1'));
    expect(await idOf()).toBe(original);
  }, 300_000);
});
