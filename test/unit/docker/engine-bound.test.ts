import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import Docker from 'dockerode';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../../../common/spec/container-spec';
import { createReplicaLaunchActivities } from '../../../activities/docker/replica-launch';

// An Engine that accepts every request and never answers: a dockerd wedged across a restart.
const socketPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'dh-silent-engine-')), 'docker.sock');
const held: net.Socket[] = [];
const silent = net.createServer((s) => void held.push(s));
beforeAll(() => new Promise<void>((r) => silent.listen(socketPath, r)));
afterAll(() => {
  held.forEach((s) => s.destroy());
  silent.close();
});

describe('launchReplica against an Engine that never answers', () => {
  it('fails the attempt (retryably) within its bound instead of heartbeating until start-to-close', async () => {
    const { launchReplica } = createReplicaLaunchActivities(new Docker({ socketPath }), 'h', { engineCallMs: 300 });
    const started = Date.now();
    const attempt = new MockActivityEnvironment().run(launchReplica, {
      name: 'svc-1',
      service: 'svc',
      spec: { image: 'dockhand-fixture-app:v1' } as ContainerSpec,
      healthTimeoutMs: 60_000,
    });
    await expect(attempt).rejects.toThrow('create container svc-1: the Docker Engine did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 10_000);
});
