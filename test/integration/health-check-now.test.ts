import { afterAll, describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { ErrorType } from '../../common/errors';
import { docker, removeService } from '../support/docker';
import { activityRunner, failureOf } from '../support/activities';
import { testIds } from '../support/workers';

// waitHealthy's `checkNow` against the real engine: a container whose check runs seldom (as Dockhand's
// edge image, every 10 s) is healthy as soon as its own check passes, not one interval after its start.
const ids = testIds('hcn');
const service = `hcn-${ids.suffix}`;
const { run, container } = activityRunner(ids.hostId, service);
const CHECK = ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'];
/** The engine's first check comes a minute after the start: only `checkNow` can pass within a test. */
const seldom = (image: string) =>
  ({ image, init: true, stopTimeout: 1, healthcheck: { test: CHECK, interval: 60_000, retries: 3 } }) as ContainerSpec;

afterAll(() => removeService(service));

describe('waitHealthy with checkNow', () => {
  it("passes at the container's own check while Docker has yet to run one", async () => {
    const name = await container(seldom('dockhand-fixture-app:v1'));
    const t0 = Date.now();
    const result = await run('waitHealthy', { name, timeoutMs: 30_000, checkNow: true });
    expect(result).toMatchObject({ name, health: 'healthy', checkedNow: true });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect((await docker.getContainer(name).inspect()).State.Health?.Status).toBe('starting');
  }, 60_000);

  it('without it, the same container is still starting at the deadline', async () => {
    const name = await container(seldom('dockhand-fixture-app:v1'));
    const failure = await failureOf(run('waitHealthy', { name, timeoutMs: 3_000 }));
    expect(failure.type).toBe(ErrorType.Unhealthy);
    expect(failure.message).toContain('status starting');
  }, 60_000);

  it('a check that fails does not pass: not healthy at the deadline, and the failure says what the check said', async () => {
    const name = await container(seldom('dockhand-fixture-app:v1'));
    await run('execInContainer', { name, command: ['/bin/busybox', 'rm', '/www/health'] });
    const failure = await failureOf(run('waitHealthy', { name, timeoutMs: 3_000, checkNow: true }));
    expect(failure.type).toBe(ErrorType.Unhealthy);
    expect(failure.message).toContain('status starting');
    expect(failure.message).toMatch(/its check, run by the agent just now: \[exit 1\] .*404/);
  }, 60_000);
});
