import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createEdgeActivities } from '../../activities/traffic/edge';
import { APPLY_SITE_SCRIPT } from '../../activities/traffic/edge-scripts';
import { EDGE_SITE_PATH, renderSiteConfig } from '../../activities/traffic/nginx-config';
import { EDGE_LOCK_WAIT_S } from '../../common/edge-timing';
import { startEngineNamespace, type EngineNamespace } from '../../cli/lib/engine-namespace';

/**
 * An edge change whose engine restarts while the config is still on its way in. With live-restore the
 * edge and the exec's process outlive dockerd, and the shim keeps the exec's stdin open: nothing ever
 * sends it an end. The script must not wait on that stdin for ever: it holds the site's lock while it
 * reads, and every later change of the edge would fail "another change still runs" (the chaos suite's
 * round 18 of seed 20261203: a rolling update's rollback retried such a change for 5 minutes).
 */
let engine: EngineNamespace;
let docker: Docker;
const edge = 'edge';

beforeAll(async () => {
  engine = await startEngineNamespace({ name: 'edgerst', block: 170, liveRestore: true });
  await engine.loadImages(['dockhand-edge:1']);
  await engine.docker(['run', '-d', '--name', edge, 'dockhand-edge:1']);
  docker = new Docker({ socketPath: engine.dockerHost.replace('unix://', '') });
}, 180_000);
afterAll(async () => {
  await engine?.destroy();
}, 120_000);

/** Starts the edge's apply script as configureEdge does, writes half the config and never ends stdin. */
async function startChangeWithOpenStdin(text: string): Promise<Duplex> {
  const exec = await docker.getContainer(edge).exec({
    Cmd: ['/bin/busybox', 'sh', '-c', APPLY_SITE_SCRIPT, 'sh', EDGE_SITE_PATH, '', '', '', '0', 'quit', '20'],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
  stream.write(text.slice(0, text.length / 2));
  return stream;
}

/** The edge's apply scripts still running once `ms` have passed (or as soon as none is). */
async function scriptsLeftAfter(ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ps = await engine.docker(['exec', edge, 'ps', '-o', 'pid,args']);
    const left = ps.split('\n').filter((l) => l.includes('dockhand-lock'));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('an edge change cut off by an engine restart (real dockerd, live-restore)', () => {
  it('does not keep the edge locked: the next change applies once the engine is back', async () => {
    const text = renderSiteConfig('web', [{ host: '127.0.0.1', port: 8081 }]);
    const stream = await startChangeWithOpenStdin(text);
    stream.on('error', () => undefined); // the engine goes away under it
    await new Promise((r) => setTimeout(r, 1_000)); // the script runs and reads stdin
    await engine.stopDaemon('SIGTERM'); // as the chaos suite's restart-dockerd fault
    await engine.startDaemon();
    stream.destroy();

    const t0 = Date.now();
    const env = new MockActivityEnvironment();
    const result = await env.run(createEdgeActivities(docker).configureEdge, {
      edge,
      service: 'web',
      upstreams: [{ host: '127.0.0.1', port: 8082 }],
    });
    expect((result as { changed: boolean }).changed).toBe(true);
    // Well inside one lock wait: the cut-off change did not hold the lock.
    expect(Date.now() - t0).toBeLessThan(EDGE_LOCK_WAIT_S * 1000);
    const served = await engine.docker(['exec', edge, 'cat', EDGE_SITE_PATH]);
    expect(served).toContain('127.0.0.1:8082');
    // And the cut-off script does not stay in the edge (its stdin wait is bounded).
    expect(await scriptsLeftAfter(30_000)).toEqual([]);
  }, 180_000);
});
