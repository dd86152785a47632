import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostActivities } from '../../activities';
import { engineFacts, withHostPolicy } from '../../activities/docker/host-policy';
import type { ExecResult } from '../../common/docker-activities';
import { ErrorType } from '../../common/errors';
import { hostPolicyFromEnv } from '../../common/host-policy';
import { Labels } from '../../common/labels';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { failureOf } from '../support/activities';
import { docker, removeService } from '../support/docker';
import { testIds } from '../support/workers';

// The host agent's own policy in front of the real activities and the real engine: a refused request
// fails typed and final, and nothing is created.
const ids = testIds('hpol');
const service = `hpol-${ids.suffix}`;
const APP = 'dockhand-fixture-app:v1';
const allowed = mkdtempSync(path.join(os.tmpdir(), 'dockhand-bind-'));
const policy = hostPolicyFromEnv({
  DOCKHAND_AGENT_BIND_PATHS: allowed,
  DOCKHAND_AGENT_DATA_DIR: allowed,
  DOCKHAND_AGENT_EXEC_CONTAINERS: `${service}-ok`,
  DOCKHAND_AGENT_READ_CONTAINERS: `${service}-ok`,
  DOCKHAND_AGENT_READ_PATHS: '/tmp',
});
const activities = withHostPolicy(createHostActivities(docker, ids.hostId), policy, engineFacts(docker));
const mock = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
const run = (input: Parameters<typeof activities.createContainer>[0]) => mock().run(activities.createContainer, input);
const exists = (name: string) =>
  docker
    .getContainer(name)
    .inspect()
    .then(
      () => true,
      (e: Error & { statusCode?: number }) => (e.statusCode === 404 ? false : Promise.reject(e)),
    );

afterAll(() => removeService(service));

describe('host agent policy (real engine)', () => {
  it('refuses a privileged spec before anything is created', async () => {
    const name = `${service}-priv`;
    const spec = { image: APP, security: { privileged: true } } as ContainerSpec;
    const f = await failureOf(run({ name, service, spec }));
    expect(f.type).toBe(ErrorType.HostPolicy);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain("createContainer refused by the host agent's policy: spec.security.privileged");
    expect(f.details?.[0]).toEqual({ rules: [{ rule: 'privileged', field: 'spec.security.privileged' }] });
    expect(await exists(name)).toBe(false);
  });

  it('refuses a host path outside the allow-list before anything is created; one inside it is created', async () => {
    const name = `${service}-etc`;
    const spec = { image: APP, mounts: [{ type: 'bind', source: '/etc', target: '/host-etc' }] } as ContainerSpec;
    const f = await failureOf(run({ name, service, spec }));
    expect(f.type).toBe(ErrorType.HostPolicy);
    expect(f.message).toContain('spec.mounts.0.source: host path /etc is outside the allowed bind paths');
    expect(await exists(name)).toBe(false);

    const ok = `${service}-ok`;
    const inAllowed = { image: APP, mounts: [{ type: 'bind', source: allowed, target: '/data' }] } as ContainerSpec;
    expect(await run({ name: ok, service, spec: inAllowed })).toMatchObject({ created: true });
    expect(await exists(ok)).toBe(true);
  });

  it('runs commands and reads files only in the containers and paths it lists, refusing before anything runs', async () => {
    const ok = `${service}-ok`; // created by the test above, with the policy's blessing
    const other = `${service}-other`;
    await mock().run(activities.createContainer, { name: other, service, spec: { image: APP } as ContainerSpec });
    for (const name of [ok, other]) await mock().run(activities.startContainer, { name });
    const marker = `/tmp/ran-${ids.suffix}`;
    const exec = (name: string): Promise<ExecResult> =>
      mock().run(activities.execInContainer, { name, command: ['/bin/busybox', 'touch', marker] });
    const refused = await failureOf(exec(other));
    expect(refused.type).toBe(ErrorType.HostPolicy);
    expect(refused.nonRetryable).toBe(true);
    expect(refused.message).toBe(
      `execInContainer refused by the host agent's policy: name: running commands in container ${other} is not allowed (host policy "exec"; allowed: ${ok} (DOCKHAND_AGENT_EXEC_CONTAINERS))`,
    );
    // Nothing ran: the marker file does not exist in the refused container (looked at without the policy).
    const raw = createHostActivities(docker, ids.hostId);
    const probe: ExecResult = await mock().run(raw.execInContainer, {
      name: other,
      command: ['/bin/busybox', 'test', '-e', marker],
    });
    expect(probe.exitCode).toBe(1);
    expect((await exec(ok)).exitCode).toBe(0);

    const read = (name: string, p: string) => mock().run(activities.readFileFrom, { name, path: p });
    const outside = await failureOf(read(ok, '/etc/passwd'));
    expect(outside.type).toBe(ErrorType.HostPolicy);
    expect(outside.message).toContain(
      'path: /etc/passwd is outside the container paths files may be read from (host policy "read-file"',
    );
    expect((await failureOf(read(other, marker))).message).toContain(
      `name: reading files from container ${other} is not allowed (host policy "read-file"`,
    );
    expect(await read(ok, marker)).toMatchObject({ content: '', sizeBytes: 0 });
  });

  it("writes files (copyFileIn) into Dockhand's own containers, into another only where the agent lists it", async () => {
    const own = `${service}-other`; // created and started through the activities above
    // Not created by Dockhand: its labels claim dockhand.managed (any image or `docker run -l` can), but
    // it has no spec hash, which only Dockhand's createContainer sets.
    const foreign = `${service}-foreign`;
    await docker.createContainer({
      name: foreign,
      Image: APP,
      Labels: { [Labels.managed]: 'true', [Labels.service]: service },
    });
    await docker.getContainer(foreign).start();
    const file = `/tmp/copied-${ids.suffix}`;
    const copy = (acts: typeof activities, name: string) =>
      mock().run(acts.copyFileIn, { name, path: file, content: 'written\n' });
    const raw = createHostActivities(docker, ids.hostId);
    const readBack = (name: string) => mock().run(raw.readFileFrom, { name, path: file });

    const refused = await failureOf(copy(activities, foreign));
    expect(refused.type).toBe(ErrorType.HostPolicy);
    expect(refused.nonRetryable).toBe(true);
    expect(refused.message).toBe(
      `copyFileIn refused by the host agent's policy: name: writing files into container ${foreign} is not allowed: Dockhand does not own it (host policy "copy-in"; nothing is allowed until DOCKHAND_AGENT_COPY_CONTAINERS lists it)`,
    );
    expect(refused.details?.[0]).toEqual({ rules: [{ rule: 'copy-in', field: 'name' }] });
    // Nothing was written (looked at without the policy).
    expect((await failureOf(readBack(foreign))).type).toBe(ErrorType.NotFound);

    expect(await copy(activities, own)).toEqual({ sizeBytes: 8 });
    expect(await readBack(own)).toMatchObject({ content: 'written\n' });

    // A missing container is the activity's own NotFound, not a policy verdict.
    expect((await failureOf(copy(activities, `${service}-missing`))).type).toBe(ErrorType.NotFound);

    const listing = hostPolicyFromEnv({ DOCKHAND_AGENT_COPY_CONTAINERS: `${service}-for*` });
    const listed = withHostPolicy(createHostActivities(docker, ids.hostId), listing, engineFacts(docker));
    expect(await copy(listed, foreign)).toEqual({ sizeBytes: 8 });
    expect(await readBack(foreign)).toMatchObject({ content: 'written\n' });
  });
});
