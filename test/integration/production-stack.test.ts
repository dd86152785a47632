import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../cli/lib/processes';
import { docker } from '../support/docker';
import { waitUntil } from '../support/wait';

// The production stack as files: docker-compose.yml checked by a real Compose parser (Debian's
// docker-compose: interpolation, schema, references), and the Dockhand image built from
// docker/Dockerfile on the local engine (scripts/build-dockhand-image.sh: an offline base from this
// machine's Node) whose orchestrator then starts against the local stack and answers /readyz.
const suffix = Math.random().toString(16).slice(2, 8);
const TAG = `ops-dockhand:${suffix}`;
const CONTAINER = `ops-dockhand-orchestrator-${suffix}`;
const METRICS_PORT = 26301;
const secrets = mkdtempSync(path.join(os.tmpdir(), 'dh-compose-secrets-'));

afterAll(async () => {
  await docker
    .getContainer(CONTAINER)
    .remove({ force: true })
    .catch(() => undefined);
  await docker
    .getImage(TAG)
    .remove()
    .catch(() => undefined);
  rmSync(secrets, { recursive: true, force: true });
});

interface ComposeService {
  image?: string;
  build?: unknown;
  restart?: string;
  healthcheck?: unknown;
  depends_on?: Record<string, { condition: string }>;
  secrets?: unknown[];
  user?: string;
  group_add?: string[];
  volumes?: unknown[];
}

describe('the production stack', () => {
  it('docker-compose.yml validates with a real Compose parser and has what production needs', () => {
    const compose = execFileSync('bash', [path.join(ROOT, 'scripts/stack.sh'), 'compose'], { encoding: 'utf8' }).trim();
    for (const s of ['postgres_password', 'webhook_secret', 'notify_webhook_secret'])
      writeFileSync(path.join(secrets, s), 'x'.repeat(24));
    const text = execFileSync(compose, ['-f', path.join(ROOT, 'docker-compose.yml'), 'config'], {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, DOCKHAND_SECRETS_DIR: secrets, DOCKER_GID: '998' },
    });
    const config = parse(text) as {
      services: Record<string, ComposeService>;
      secrets: Record<string, { file: string }>;
    };
    const s = config.services;
    expect(Object.keys(s).sort()).toEqual(
      [
        'edge-image',
        'host-agent',
        'orchestrator',
        'postgresql',
        'redis',
        'temporal',
        'temporal-schema',
        'temporal-setup',
        'temporal-ui',
        'trigger',
      ].sort(),
    );
    // Long-running services restart and say when they are healthy; one-shot jobs retry a few times.
    for (const name of ['postgresql', 'temporal', 'redis', 'orchestrator', 'trigger', 'host-agent']) {
      expect(s[name]!.restart, name).toBe('unless-stopped');
      expect(s[name]!.healthcheck, name).toBeDefined();
    }
    for (const name of ['temporal-schema', 'temporal-setup']) expect(s[name]!.restart).toBe('on-failure:5');
    expect(s.temporal!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(s.orchestrator!.depends_on).toEqual({
      'temporal-setup': { condition: 'service_completed_successfully' },
      redis: { condition: 'service_healthy' },
    });
    // One Dockhand image for the three workers; the edge image built from the repository.
    for (const name of ['orchestrator', 'trigger', 'host-agent']) expect(s[name]!.image).toBe('dockhand:local');
    expect(s['edge-image']!.image).toBe('dockhand-edge:1');
    // The agent reaches the socket through its group, not as root; secrets come from files.
    expect(s['host-agent']!.group_add).toEqual(['998']);
    expect(config.secrets.postgres_password!.file).toBe(path.join(secrets, 'postgres_password'));
  });

  it('docker/Dockerfile builds on the local engine, and its orchestrator starts against the local stack', async () => {
    execFileSync('bash', [path.join(ROOT, 'scripts/build-dockhand-image.sh'), TAG], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const image = await docker.getImage(TAG).inspect();
    expect(image.Config.User).toBe('1000:1000');
    expect(image.Config.Entrypoint).toEqual(['tini', '--', 'node', '--require', 'tsx/cjs']);
    const container = await docker.createContainer({
      name: CONTAINER,
      Image: TAG,
      Cmd: ['workers/orchestrator.ts'],
      Env: [
        'TEMPORAL_ADDRESS=127.0.0.1:7233',
        'REDIS_URL=redis://127.0.0.1:6379',
        `DOCKHAND_ORCHESTRATOR_QUEUE=ops-image-${suffix}`,
        `DOCKHAND_METRICS_PORT=${METRICS_PORT}`,
      ],
      HostConfig: { NetworkMode: 'host' },
    });
    await container.start();
    // The image carries the workflow bundle (built with it); a start without it took minutes on a loaded 2-core machine.
    const ready = await waitUntil(async () => {
      const r = await fetch(`http://127.0.0.1:${METRICS_PORT}/readyz`).catch(() => undefined);
      return r?.status === 200;
    }, 300_000).catch(() => false);
    if (!ready)
      throw new Error(
        `the image's orchestrator never answered /readyz:\n${(await container.logs({ stdout: true, stderr: true })).toString().slice(-3000)}`,
      );
    const metrics = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
    expect(metrics).toMatch(/^temporal_/m);
    const logs = (await container.logs({ stdout: true, stderr: true })).toString();
    expect(logs).toContain('orchestrator polling');
    expect(logs).toMatch(/"source":"kept"[^\n]*"msg":"workflow bundle ready"/);
  }, 900_000);
});
