import { execFileSync } from 'node:child_process';
import { startPullImage } from '../../client/pull-image';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { ApplicationFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageActivities } from '../../activities/docker/images';
import type { RegistryCredentials } from '../../activities/docker/registry-auth';
import { alive, engineNamespacePaths } from '../../cli/lib/engine-namespace';
import { imageRegistryPaths } from '../../cli/lib/image-registry';
import { testHostsDown, testHostsUp, type TestHosts } from '../../cli/lib/test-hosts';
import { ErrorType } from '../../common/errors';
import { PullImageErrorType, type PullImageRequest, type PullImageResult } from '../../common/pull-image';
import { runCli } from '../support/cli';
import { testClient } from '../support/temporal';
import { startWorker, testIds } from '../support/workers';

// Two test hosts (engines in network namespaces of their own, an agent each) and the registry, as
// `dockhand stack up --hosts 2` makes them, under names of this file's own ("ft", blocks 110–112) so a
// developer's stack (fleet, 100–108) and the chaos suite (201–232) are never touched.
const ids = testIds('flt');
const NAME = 'ft';
const hostIdPrefix = `${ids.hostId}-`;
// The registry requires a login here (the stack's own is open): the agents have it in their environment.
// A test password and its bcrypt hash (cost 4: the registry checks it on every request).
const login = {
  username: 'fleet',
  password: 'fleet-test-password',
  htpasswd: 'fleet:$2b$04$Y2wdzm3u25inEeP3t5gpXO.Cz9igKvC4XjE5I62U4vzml3jllejpG',
};
const REGISTRY = '10.213.110.1:5110';
const agentEnv = {
  DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue,
  DOCKHAND_HOST_REGISTRY: ids.orchestratorQueue,
  DOCKHAND_EVENTS_PUBLISH: '0',
  DOCKHAND_REGISTRY_SERVER: REGISTRY,
  DOCKHAND_REGISTRY_USERNAME: login.username,
  DOCKHAND_REGISTRY_PASSWORD: login.password,
};
const options = {
  name: NAME,
  count: 2,
  firstBlock: 111,
  registryBlock: 110,
  registryPort: 5110,
  hostIdPrefix,
  registryAuth: login,
  images: ['dockhand-fixture-app:v1', 'dockhand-fixture-app:v2'],
  agentEnv,
};
let up: TestHosts;
let client: Client;
let orchestrator: ReturnType<typeof startWorker>;

beforeAll(async () => {
  // What a crashed earlier run might have left: a namespace of a host this run also makes, and one of a
  // host it does not make (a run with more hosts). `up` must clear both.
  execFileSync('ip', ['netns', 'add', engineNamespacePaths(`${NAME}2`).netns]);
  execFileSync('ip', ['netns', 'add', engineNamespacePaths(`${NAME}3`).netns]);
  mkdirSync(`${engineNamespacePaths(`${NAME}3`).dataRoot}/leftover`, { recursive: true });
  ({ client } = await testClient(ids));
  orchestrator = startWorker('orchestrator', ids);
  [up] = await Promise.all([testHostsUp(options), orchestrator.ready]);
}, 240_000);

afterAll(async () => {
  await orchestrator?.stop();
  await testHostsDown(options); // a no-op when the last test did it
});

const hostIds = () => up.hosts.map((h) => h.hostId);
const image = (tag: string) => `${up.registry}/dockhand-fixture-app:${tag}`;

const started: string[] = [];
function pullImage(request: PullImageRequest): Promise<PullImageResult> {
  const workflowId = `pull-image-${ids.suffix}-${Math.random().toString(36).slice(2, 8)}`;
  started.push(workflowId);
  return startPullImage(client, ids.orchestratorQueue, request, workflowId).then(
    (h) => h.result() as Promise<PullImageResult>,
  );
}

/** ensureImage run straight against engine `host` with the given login (no agent in between). */
function ensureImageOn(host: number, image: string, credentials: RegistryCredentials | undefined) {
  const engine = new Docker({ socketPath: up.hosts[host]!.engine.dockerHost.replace(/^unix:\/\//, '') });
  const { ensureImage } = createImageActivities(engine, credentials);
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(ensureImage, { image });
}

async function imageOn(host: number, ref: string): Promise<{ Id: string; RepoDigests: string[] } | undefined> {
  const out = await up.hosts[host]!.engine.docker(['image', 'inspect', ref]).catch(() => undefined);
  return out ? (JSON.parse(out)[0] as { Id: string; RepoDigests: string[] }) : undefined;
}

describe('test hosts and the registry', () => {
  it('brings up engines of their own, empty, each with an agent that `dockhand hosts` lists', async () => {
    expect(up.hosts.map((h) => h.engine.address)).toEqual(['10.213.111.2', '10.213.112.2']);
    expect(existsSync(`/var/run/netns/${engineNamespacePaths(`${NAME}3`).netns}`)).toBe(false);
    expect(existsSync(engineNamespacePaths(`${NAME}3`).dataRoot)).toBe(false);
    // Separate engines: each answers on its own socket with its own data root (their IDs are alike:
    // every dockerd on the machine derives it from /etc/docker/key.json).
    const roots = await Promise.all(up.hosts.map((h) => h.engine.docker(['info', '--format', '{{.DockerRootDir}}'])));
    expect(roots.map((r) => r.trim())).toEqual([1, 2].map((i) => engineNamespacePaths(`${NAME}${i}`).dataRoot));
    for (const h of up.hosts) {
      expect((await h.engine.docker(['images', '-q'])).trim()).toBe('');
      expect(await h.engine.docker(['info', '--format', '{{json .RegistryConfig.IndexConfigs}}'])).toContain(
        `"${up.registry}"`,
      );
    }
    const listed = await runCli(['hosts', '--json'], agentEnv);
    expect(listed.code).toBe(0);
    // The CLI's one JSON envelope: {ok, workflowId, url, result}.
    const hosts = (JSON.parse(listed.stdout) as { result: Array<{ hostId: string; status: string }> }).result;
    expect(hosts.map((h) => [h.hostId, h.status])).toEqual(hostIds().map((id) => [id, 'up']));
  });

  it('pulls through every host agent from the registry, the same digest on every engine', async () => {
    const v1 = up.pushed.find((p) => p.source === 'dockhand-fixture-app:v1')!;
    const result = await pullImage({ image: image('v1'), hosts: hostIds() });
    expect(result.digest).toBe(v1.digest);
    expect(result.hosts.map((h) => [h.host, h.pulled])).toEqual(hostIds().map((id) => [id, true]));
    const onEngines = await Promise.all([imageOn(0, image('v1')), imageOn(1, image('v1'))]);
    for (const i of onEngines) expect(i!.RepoDigests).toEqual([`${up.registry}/dockhand-fixture-app@${v1.digest}`]);
    expect(onEngines[0]!.Id).toBe(onEngines[1]!.Id);
    expect(result.hosts.map((h) => h.id)).toEqual([onEngines[0]!.Id, onEngines[0]!.Id]);
  });

  it('pins the digest the first host resolved: a later host with other bytes under the tag pulls those', async () => {
    const v1 = up.pushed.find((p) => p.source === 'dockhand-fixture-app:v1')!;
    // Host 2 holds v2's bytes under the v1 tag (as if the tag had moved in the registry when it pulled).
    await ensureImageOn(1, image('v2'), { server: REGISTRY, username: login.username, password: login.password });
    await up.hosts[1]!.engine.docker(['tag', image('v2'), image('v1')]);
    const v2Id = (await imageOn(1, image('v2')))!.Id;
    expect((await imageOn(1, image('v1')))!.Id).toBe(v2Id);
    const result = await pullImage({ image: image('v1'), hosts: hostIds() });
    expect(result.digest).toBe(v1.digest);
    expect(result.hosts.map((h) => h.pulled)).toEqual([false, true]);
    const [one, two] = await Promise.all([imageOn(0, image('v1')), imageOn(1, image('v1'))]);
    expect(two!.Id).toBe(one!.Id);
    expect(two!.Id).not.toBe(v2Id);
  });

  it("logs in with the agent's own credentials only: without them the registry's refusal is the answer", async () => {
    expect(up.registry).toBe(REGISTRY);
    const v2 = image('v2');
    const refused = (await ensureImageOn(0, v2, undefined).catch((e: unknown) => e)) as ApplicationFailure;
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused.type).toBe(ErrorType.ImageMissing);
    expect(refused.nonRetryable).toBe(true);
    expect(refused.message).toContain(v2);
    expect(refused.message).toMatch(/no basic auth credentials|unauthorized/);
    const wrong = { server: REGISTRY, username: login.username, password: 'wrong' };
    expect(((await ensureImageOn(0, v2, wrong).catch((e: unknown) => e)) as ApplicationFailure).message).toMatch(
      /unauthorized|authentication required/,
    );
    const right = { server: REGISTRY, username: login.username, password: login.password };
    expect(await ensureImageOn(0, v2, right)).toMatchObject({ image: v2, pulled: true });
    // The password went to the Engine from the agent's side only: no workflow history holds it.
    for (const workflowId of started) {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      expect(JSON.stringify(history)).not.toContain(login.password);
    }
    expect(started.length).toBeGreaterThan(0);
  });

  it("fails a host that cannot pull with the registry's answer naming the image, non-retryable", async () => {
    const started = Date.now();
    const missing = image('absent');
    const err = await pullImage({ image: missing, hosts: hostIds() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const hostFailure = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(hostFailure.type).toBe(PullImageErrorType.HostPullFailed);
    expect(hostFailure.message).toContain(`host ${hostIds()[0]}:`);
    expect(hostFailure.cause).toBeInstanceOf(ActivityFailure);
    const cause = hostFailure.cause!.cause as ApplicationFailure;
    expect(cause.type).toBe(ErrorType.ImageMissing);
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain(missing);
    // The registry's own answer, as the Engine relays it.
    expect(cause.message).toContain('manifest unknown');
    expect(cause.details?.[0]).toMatchObject({ image: missing, statusCode: 404 });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('down removes engines, agents, namespaces, veths, directories and the registry; twice is fine', async () => {
    const agentPids = up.hosts.map((h) => Number(readFileSync(h.agentLog.replace(/\.log$/, '.pid'), 'utf8')));
    const registryPid = Number(readFileSync(imageRegistryPaths(`${NAME}reg`).pidFile, 'utf8'));
    await testHostsDown(options);
    await testHostsDown(options);
    const netns = readdirSync('/var/run/netns');
    const links = execFileSync('ip', ['-o', 'link', 'show']).toString();
    for (const i of [1, 2, 3]) {
      const p = engineNamespacePaths(`${NAME}${i}`);
      expect(netns).not.toContain(p.netns);
      expect(links).not.toContain(`${p.veth}@`);
      for (const f of [p.dataRoot, p.execRoot, p.sock, p.pidFile, p.log]) expect(existsSync(f)).toBe(false);
    }
    const r = imageRegistryPaths(`${NAME}reg`);
    expect(links).not.toContain(`${r.veth}@`);
    for (const f of [r.dataRoot, r.config, r.pidFile, r.log, r.htpasswd]) expect(existsSync(f)).toBe(false);
    const dockerds = execFileSync('ps', ['-eo', 'args']).toString();
    expect(dockerds).not.toMatch(new RegExp(`dockhand-${NAME}\\d`));
    for (const pid of [...agentPids, registryPid]) expect(alive(pid)).toBe(false);
    const listed = (JSON.parse((await runCli(['hosts', '--json'], agentEnv)).stdout) as { result: unknown[] }).result;
    expect(listed).toEqual([]);
  });
});
