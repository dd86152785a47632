import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import tar from 'tar-stream';
import { answerDeploy } from '../../client/answer';
import { ensureCleanupSchedule, startCleanup } from '../../client/cleanup';
import type { DockhandConfig } from '../../common/config';
import { DeployErrorType } from '../../common/errors';
import type { CleanupItem, CleanupRequest, CleanupResult } from '../../common/remediation/cleanup';
import { phaseStatusQuery } from '../../common/remediation/signals';
import { cleanupId, serviceChangeId } from '../../common/workflow-ids';
import { docker } from '../support/docker';
import { runCli } from '../support/blue-green';
import { waitFor } from '../support/events';
import { clientAs, testClient } from '../support/temporal';
import { startWorkers, testIds } from '../support/workers';

// The engine is shared with other suites: every object here carries this suite's own label, and every
// clean-up below is scoped by it, so nothing of anyone else's can be listed, let alone removed.
const ids = testIds('cleanup');
const scope = `dockhand.test=${ids.suffix}`;
const foreignLabels = { 'dockhand.test': ids.suffix };
const ownedImageLabels = { 'dockhand.managed': 'true', ...foreignLabels };
// What Dockhand's createContainer sets (the spec hash is what proves a container is Dockhand's).
const ownedLabels = { ...ownedImageLabels, 'dockhand.service': `cln-${ids.suffix}`, 'dockhand.spec-hash': 'test' };
let client: Client;
let config: DockhandConfig;
let workers: Awaited<ReturnType<typeof startWorkers>>;
const owned = { containers: [] as string[], networks: [] as string[], images: [] as string[] };
let inUseImage = '';

/** Builds a tiny image FROM the fixture under `tag`; built again with another marker, the first one
 * becomes dangling (untagged) and keeps its labels. */
async function build(tag: string, marker: string, labels: Record<string, string>): Promise<string> {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, `FROM dockhand-fixture-app:v1\nLABEL cleanup.marker=${marker}\n`);
  pack.finalize();
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: tag, labels });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) =>
      err ? reject(err) : out.find((e) => e.error) ? reject(new Error(out.find((e) => e.error)!.error)) : resolve(),
    ),
  );
  return (await docker.getImage(tag).inspect()).Id;
}

async function stoppedContainer(
  name: string,
  labels: Record<string, string>,
  image = 'dockhand-fixture-app:v1',
): Promise<string> {
  const c = await docker.createContainer({ name, Image: image, Labels: labels, HostConfig: { Init: true } });
  return c.id;
}

async function exists(kind: CleanupItem['kind'], id: string): Promise<boolean> {
  const target =
    kind === 'container' ? docker.getContainer(id) : kind === 'network' ? docker.getNetwork(id) : docker.getImage(id);
  return (target.inspect() as Promise<unknown>).then(
    () => true,
    (e: Error & { statusCode?: number }) => (e.statusCode === 404 ? false : Promise.reject(e)),
  );
}

const ownedIds = () => [...owned.containers, ...owned.networks, ...owned.images].sort();
const idsOf = (items: CleanupItem[]) => items.map((i) => i.id).sort();
// minAge 0: the objects here were made seconds ago (the default leaves such alone).
const run = (request: Partial<CleanupRequest>) =>
  startCleanup(client, config, { host: ids.hostId, labels: [scope], minAge: 0, ...request });

async function rejection(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as WorkflowFailedError;
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err.cause as ApplicationFailure;
}

const foreign = { containers: [] as string[], networks: [] as string[] };

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  workers = await startWorkers(ids);
  // Dockhand's: two stopped containers (one never started, one exited), an unused network, two
  // dangling images — one of them still used by a foreign stopped container (so it must be skipped).
  owned.containers.push(await stoppedContainer(`cln-created-${ids.suffix}`, ownedLabels));
  const exited = await docker.createContainer({
    name: `cln-exited-${ids.suffix}`,
    Image: 'dockhand-fixture-app:v1',
    Labels: ownedLabels,
    Cmd: ['/bin/busybox', 'true'],
  });
  await exited.start();
  await exited.wait();
  owned.containers.push(exited.id);
  owned.networks.push((await docker.createNetwork({ Name: `cln-net-${ids.suffix}`, Labels: ownedLabels })).id);
  const tag = `dh-cleanup-${ids.suffix}`;
  owned.images.push(await build(`${tag}:a`, 'first', ownedImageLabels));
  await build(`${tag}:a`, 'second', ownedImageLabels); // the first is dangling now
  inUseImage = await build(`${tag}:b`, 'used', ownedImageLabels);
  owned.images.push(inUseImage);
  // Not Dockhand's, though inside this suite's scope label: never listed. This one even inherits
  // dockhand.managed=true from its (Dockhand-built) image.
  foreign.containers.push(await stoppedContainer(`cln-foreign-${ids.suffix}`, foreignLabels, `${tag}:b`));
  foreign.containers.push(await stoppedContainer(`cln-foreign2-${ids.suffix}`, foreignLabels));
  await build(`${tag}:b`, 'used-again', ownedImageLabels); // the used image is dangling now
  foreign.networks.push(
    (await docker.createNetwork({ Name: `cln-foreign-net-${ids.suffix}`, Labels: foreignLabels })).id,
  );
});
afterAll(async () => {
  await client?.workflow
    .getHandle(cleanupId(ids.hostId))
    .terminate('test over')
    .catch(() => undefined);
  await workers?.stop();
  const mine = { label: [scope] };
  for (const c of await docker.listContainers({ all: true, filters: mine }))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  for (const n of await docker.listNetworks({ filters: mine }))
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  for (const i of await docker.listImages({ all: true, filters: mine }))
    await docker
      .getImage(i.Id)
      .remove({ force: true })
      .catch(() => undefined);
});

describe('remediateCleanup (real engine, real Temporal)', () => {
  it('a dry run lists exactly what Dockhand owns in scope and changes nothing', async () => {
    const result = (await (await run({ dryRun: true })).result()) as CleanupResult;
    expect(idsOf(result.items)).toEqual(ownedIds());
    expect(result.items.filter((i) => i.kind === 'image').map((i) => i.detail)).toEqual(['dangling', 'dangling']);
    expect(result).toMatchObject({ dryRun: true, removed: [], skipped: [] });
    for (const i of result.items) expect(await exists(i.kind, i.id)).toBe(true);

    // The same through the CLI.
    const cli = await runCli(
      ['cleanup', '--dry-run', '--host', ids.hostId, '--label', scope, '--min-age', '0s', '--json'],
      { DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue },
    );
    expect(cli.code).toBe(0);
    expect(idsOf((JSON.parse(cli.stdout) as { result: CleanupResult }).result.items)).toEqual(ownedIds());

    // With the default minimum age (1h) nothing this fresh is listed.
    const fresh = (await (await run({ dryRun: true, minAge: undefined })).result()) as CleanupResult;
    expect(fresh.items).toEqual([]);
  });

  it('above the threshold it waits for approval; reject → nothing removed', async () => {
    const handle = await run({ threshold: 2 });
    await waitFor(
      async () => (await handle.query(phaseStatusQuery).catch(() => undefined))?.phase === 'awaiting-approval',
      60_000,
      'awaiting approval',
    );
    expect((await handle.query(phaseStatusQuery)).details).toContain(`would remove 5 items (more than 2)`);
    await answerDeploy(clientAs(client, 'bob'), cleanupId(ids.hostId), 'reject', { by: 'bob', comment: 'not today' });
    const failure = await rejection(handle.result());
    expect(failure.type).toBe(DeployErrorType.Rejected);
    for (const id of owned.containers) expect(await exists('container', id)).toBe(true);
    for (const id of owned.networks) expect(await exists('network', id)).toBe(true);
    for (const id of owned.images) expect(await exists('image', id)).toBe(true);
  });

  it('approved: removes exactly the owned items, skips the image a container uses (and says why), leaves foreign objects', async () => {
    const handle = await run({ threshold: 2 });
    await waitFor(
      async () => (await handle.query(phaseStatusQuery).catch(() => undefined))?.phase === 'awaiting-approval',
      60_000,
      'awaiting approval',
    );
    await answerDeploy(clientAs(client, 'alice'), cleanupId(ids.hostId), 'approve', { by: 'alice' });
    const result = (await handle.result()) as CleanupResult;
    expect(result.approval).toMatchObject({ outcome: 'approved', by: 'alice' });
    expect(idsOf(result.removed)).toEqual(ownedIds().filter((id) => id !== inUseImage));
    expect(result.skipped.map((s) => s.item.id)).toEqual([inUseImage]);
    expect(result.skipped[0]!.reason).toMatch(/conflict|being used|in use/i);
    for (const i of result.removed) expect(await exists(i.kind, i.id)).toBe(false);
    expect(await exists('image', inUseImage)).toBe(true);
    for (const id of foreign.containers) expect(await exists('container', id)).toBe(true);
    for (const id of foreign.networks) expect(await exists('network', id)).toBe(true);
  });

  it('at or below the threshold it runs without approval; a second run finds only what is still in use', async () => {
    const leftover = await stoppedContainer(`cln-late-${ids.suffix}`, ownedLabels);
    const result = (await (await run({})).result()) as CleanupResult;
    expect(result.approval).toBeUndefined();
    expect(idsOf(result.removed)).toEqual([leftover]);
    expect(result.skipped.map((s) => s.item.id)).toEqual([inUseImage]);
    expect(await exists('container', leftover)).toBe(false);
    const again = (await (await run({})).result()) as CleanupResult;
    expect(again.removed).toEqual([]);
    expect(again.skipped.map((s) => s.item.id)).toEqual([inUseImage]);
  });

  it('can run on a Temporal Schedule (here a dry run, triggered by hand)', async () => {
    const scheduleId = await ensureCleanupSchedule(
      client,
      config,
      { host: ids.hostId, labels: [scope], minAge: 0, dryRun: true },
      '1h',
    );
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      expect(scheduleId).toBe(`dockhand-cleanup-${ids.hostId}`);
      await schedule.trigger();
      const run = await waitFor(
        async () => (await schedule.describe()).info.recentActions[0]?.action.workflow,
        60_000,
        'scheduled run',
      );
      const result = (await client.workflow.getHandle(run.workflowId).result()) as CleanupResult;
      expect(run.workflowId.startsWith(cleanupId(ids.hostId))).toBe(true);
      expect(result.dryRun).toBe(true);
      expect(idsOf(result.items)).toEqual([inUseImage]);
    } finally {
      await schedule.delete();
    }
  });
  it("spares a service's containers while its change runs, checked again after the approval wait (M4)", async () => {
    const busy = `cln-busy-${ids.suffix}`;
    const target = await stoppedContainer(`${busy}-1-prev`, { ...ownedLabels, 'dockhand.service': busy });
    const handle = await run({ threshold: 0 });
    await waitFor(
      async () => (await handle.query(phaseStatusQuery).catch(() => undefined))?.phase === 'awaiting-approval',
      60_000,
      'awaiting approval',
    );
    // While the clean-up waits, a change of that service starts (a rollout that keeps -prev as its
    // rollback target). Nobody polls its queue: it simply stays running.
    const change = await client.workflow.start('rollingUpdate', {
      workflowId: serviceChangeId(busy),
      taskQueue: `nobody-polls-${ids.suffix}`,
      args: [],
    });
    try {
      await answerDeploy(clientAs(client, 'alice'), cleanupId(ids.hostId), 'approve', { by: 'alice' });
      const result = (await handle.result()) as CleanupResult;
      expect(idsOf(result.removed)).toEqual([]);
      const spared = result.skipped.find((s) => s.item.id === target);
      expect(spared?.reason).toBe(`a change of ${busy} is running (deploy/${busy}): it may need it`);
      expect(await exists('container', target)).toBe(true);
    } finally {
      await change.terminate('test over');
    }
    const after = (await (await run({})).result()) as CleanupResult;
    expect(idsOf(after.removed)).toEqual([target]);
    expect(await exists('container', target)).toBe(false);
  });
});
