import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployGuardResult } from '../../common/deploy-guard';
import { serviceChangeId } from '../../common/workflow-ids';
import { expectedReplicas, fixtureService } from '../support/rollout';
import { viaEdge } from '../support/blue-green';
import { waitFor } from '../support/events';
import { breakHealth, guardStack, runsOf } from '../support/deploy-guard';
import { randomBytes } from 'node:crypto';

const service = `guard-roll-${randomBytes(3).toString('hex')}`;
let stack: Awaited<ReturnType<typeof guardStack>>;
let svc: ReturnType<typeof fixtureService>;

beforeAll(async () => {
  stack = await guardStack('guardr', [{ service, windowMs: '3m', approval: { required: false } }]);
  svc = fixtureService(stack.client, stack.config, service);
});
afterAll(async () => {
  await stack?.client.workflow
    .getHandle(serviceChangeId(service))
    .terminate('test over')
    .catch(() => undefined);
  await stack?.stop();
  await svc?.cleanUp();
});

describe('deploy guard: rolling update (real engine, Redis, Temporal, nginx edge)', { timeout: 300_000 }, () => {
  it('a replica of v2 turning unhealthy after the rollout finished rolls every replica back to v1, without approval per policy', async () => {
    expect(await svc.roll('v1', { replicas: 2, parallelism: 2 })).toMatchObject({ outcome: 'updated' });
    const v2 = await svc.roll('v2', { parallelism: 2 });
    expect(v2).toMatchObject({ outcome: 'updated', spec: { image: 'dockhand-fixture-app:v2' } });
    const port = await svc.edgePort();
    expect(await viaEdge(port)).toBe('200 v2\n');

    await breakHealth(`${service}-1`);
    const handle = stack.client.workflow.getHandle(serviceChangeId(service));
    await waitFor(async () => (await handle.describe()).type === 'deployGuardRollback', 90_000, 'guard started');
    const result = (await handle.result()) as DeployGuardResult;
    expect(result).toMatchObject({
      service,
      strategy: 'rolling',
      outcome: 'rolled-back',
      spec: { image: 'dockhand-fixture-app:v1' },
      approval: { outcome: 'skipped' },
      incident: { container: `${service}-1`, fromImage: 'dockhand-fixture-app:v2' },
      deploy: { outcome: 'updated', updated: [`${service}-1`, `${service}-2`] },
    });
    expect(await svc.replicas()).toEqual(expectedReplicas(service, 2, 'v1'));
    expect(await viaEdge(port)).toBe('200 v1\n');
    expect(await runsOf(stack.client, handle.workflowId, 'deployGuardRollback')).toBe(1);
  });
});
