import { beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { answerDeploy } from '../../client/answer';
import { statusQuery } from '../../common/blue-green';
import { DeployErrorType, ErrorType } from '../../common/errors';
import { Labels } from '../../common/labels';
import { colorsOf, fixtureApp, useBlueGreenWorld, viaEdge, waitFor, waitForPhase } from '../support/blue-green';
import { docker } from '../support/docker';
import { clientAs } from '../support/temporal';

// Review C1 and M7: a deploy's undo acts only on what the deploy made (never on a container that
// merely holds the name), and an outcome says what is left when an undo fails.
const world = useBlueGreenWorld('bgo', { healthTimeoutMs: 20_000, bakeMs: 500 });
const { service, deploy } = world;
let edgePort = 0;

/** A container the deploy must never touch, and how to see that it was not. */
async function squat(name: string, labels: Record<string, string> = {}) {
  const c = await docker.createContainer({ name, Image: fixtureApp('v1'), Labels: labels });
  await c.start();
  const before = await c.inspect();
  world.onCleanUp(() => c.remove({ force: true }).catch(() => undefined));
  return {
    id: c.id,
    async expectUntouched() {
      const now = await docker.getContainer(name).inspect();
      expect(now.Id).toBe(c.id);
      expect(now.State.Running).toBe(true);
      expect(now.State.StartedAt).toBe(before.State.StartedAt);
    },
    remove: () => c.remove({ force: true }),
  };
}

function appFailureOf(err: unknown): ApplicationFailure {
  expect(err).toBeInstanceOf(WorkflowFailedError);
  let cause = (err as WorkflowFailedError).cause;
  if (cause instanceof ActivityFailure) cause = cause.cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

beforeAll(async () => {
  edgePort = (await (await deploy('v1')).result()).edge.hostPort;
});

describe('blueGreenDeploy never removes what it does not own', { timeout: 240_000 }, () => {
  it('a foreign container (no Dockhand labels) holding <svc>-green: Conflict, left running, blue serves', async () => {
    const foreign = await squat(`${service}-green`);
    const err = await (await deploy('v2')).result().catch((e) => e);
    const cause = appFailureOf(err);
    expect(cause.type).toBe(ErrorType.Conflict);
    expect(cause.message).toContain(`the name ${service}-green is taken by a container Dockhand does not manage`);
    await foreign.expectUntouched();
    expect(await viaEdge(edgePort)).toBe('200 v1\n');
    await foreign.remove();
  });

  it("another service's container holding the name (e.g. service <svc>-green made by ensure): untouched", async () => {
    const other = await squat(`${service}-green`, {
      [Labels.managed]: 'true',
      [Labels.service]: `${service}-green`,
      [Labels.specHash]: 'f00d',
    });
    const cause = appFailureOf(await (await deploy('v2')).result().catch((e) => e));
    expect(cause.type).toBe(ErrorType.Conflict);
    expect(cause.message).toContain(`Dockhand's container of service ${service}-green`);
    await other.expectUntouched();
    expect(await viaEdge(edgePort)).toBe('200 v1\n');
    await other.remove();
  });

  it("after the switch, an old color that is no longer this service's is left alone: a warning, the deploy succeeds", async () => {
    const handle = await deploy('v2', { bakeMs: 15_000 });
    await waitForPhase(handle, 'baking');
    // Someone replaces the old color by hand during the bake with a container of their own.
    await docker.getContainer(`${service}-blue`).remove({ force: true });
    const foreign = await squat(`${service}-blue`);
    const result = await handle.result();
    expect(result.liveContainer).toBe(`${service}-green`);
    expect(result.warnings).toEqual([expect.stringContaining(`${service}-blue (${fixtureApp('v1')}) was not removed`)]);
    expect(result.warnings![0]).toContain('not a container Dockhand manages');
    await foreign.expectUntouched();
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
    await foreign.remove();
  });

  it('an undo that fails is reported as "left: …", never "as before" (M7)', async () => {
    // green (v2) is live; the deploy of v1 to blue stops green during the bake.
    const handle = await deploy('v1', { bakeMs: 120_000, oldColorDuringBake: 'stopped' });
    await waitForPhase(handle, 'baking');
    await waitFor(
      async () => (await docker.getContainer(`${service}-green`).inspect()).State.Status === 'exited',
      30_000,
    );
    // The stopped old color disappears (an operator's `docker rm`): the rollback cannot start it again.
    await docker.getContainer(`${service}-green`).remove({ force: true });
    await answerDeploy(clientAs(world.client, 'carol'), service, 'rollback', { comment: 'error rate' });
    const cause = appFailureOf(await handle.result().catch((e) => e));
    expect(cause.type).toBe(DeployErrorType.CompensationIncomplete);
    expect(cause.message).toContain('rolled back to');
    expect(cause.message).toContain(`left: start ${service}-green again failed`);
    const status = await handle.query(statusQuery);
    expect(status.phase).toBe('failed');
    expect(status.details).toContain('NOT as before');
    expect(status.details).not.toContain('as before this deploy');
    // The edge cannot be pointed back at a container that is gone either: each failed undo is named.
    const failed = status.undoFailures!.map((u) => u.what);
    expect(failed[0]).toBe(`start ${service}-green again`);
    expect(failed).not.toContain(`remove ${service}-blue`);
    for (const what of failed) expect(cause.message).toContain(`${what} failed`);
    expect(await colorsOf(service)).toEqual([]); // nothing serves: exactly what the outcome says
  });
});
