import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderSiteConfig } from '../../activities/traffic/nginx-config';
import type { EngineNamespace } from '../../cli/lib/engine-namespace';

const run = promisify(execFile);
const HOST_SCRIPT = path.join(__dirname, '..', 'fleet-host.sh');

/** One service of the plain-docker peer on one engine: blue behind an edge of its own, published on
 * `port` of the engine's address. */
export interface PeerSite {
  engine: EngineNamespace;
  service: string;
  port: number;
}

const names = (s: PeerSite) => ({
  network: `${s.service}-net`,
  blue: `${s.service}-blue`,
  green: `${s.service}-green`,
  edge: `${s.service}-edge`,
});

export const peerUrl = (s: PeerSite) => `http://${s.engine.address}:${s.port}/version`;

/** Blue (`v1`) and the edge in front of it; resolves when the edge answers v1. Not timed. */
export async function setUpPeer(s: PeerSite, images: { v1: string; edge: string }): Promise<void> {
  const n = names(s);
  await s.engine.docker(['network', 'create', n.network]);
  // The same patience as the health check Dockhand's deploys get (bench/lib/fixture-app.ts).
  await s.engine.docker(['run', '-d', '--init', '--name', n.blue, '--network', n.network, ...PATIENT, images.v1]);
  await s.engine.docker(['run', '-d', '--name', n.edge, '--network', n.network, '-p', `${s.port}:80`, images.edge]);
  await until(async () => (await healthOf(s, n.blue)) === 'healthy' && (await healthOf(s, n.edge)) === 'healthy');
  // The config as base64 in an argument: no stdin plumbing, no quoting of nginx's text.
  const config = Buffer.from(renderSiteConfig(s.service, [{ host: n.blue, port: 8080 }])).toString('base64');
  const write = `echo "$0" | /bin/busybox base64 -d > /etc/nginx/conf.d/default.conf && nginx -t -q && nginx -s reload`;
  await s.engine.docker(['exec', n.edge, '/bin/busybox', 'sh', '-c', write, config]);
  await until(
    async () =>
      (
        await fetch(peerUrl(s)).then(
          (r) => r.text(),
          () => '',
        )
      ).trim() === 'v1',
  );
}

/** bench/fleet-host.sh (blue → green running `image`; `back`: green → blue) on every site at once, each on
 * its own engine. */
export async function peerStep(sites: PeerSite[], image: string, back = false): Promise<void> {
  await Promise.all(
    sites.map((s) => {
      const n = names(s);
      const [from, to] = back ? [n.green, n.blue] : [n.blue, n.green];
      return run(HOST_SCRIPT, [from, to, image, n.network, n.edge], {
        env: { ...process.env, DOCKER_HOST: s.engine.dockerHost },
      });
    }),
  );
}

const PATIENT = ['--health-timeout', '10s', '--health-retries', '5'];

async function healthOf(s: PeerSite, name: string): Promise<string> {
  return (await s.engine.docker(['inspect', '-f', '{{.State.Health.Status}}', name])).trim();
}

async function until(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('bench: the plain-docker peer was not ready in 2 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
}
