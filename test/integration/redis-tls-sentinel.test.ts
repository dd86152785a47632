import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newRedis } from '../../client/redis-connection';
import { signDelivery } from '../../common/events/signature';
import { serviceChangeId } from '../../common/workflow-ids';
import { runCli } from '../support/cli';
import { freePort, writeRules } from '../support/events';
import { spawnRedis } from '../support/redis-server';
import { writeServiceFile } from '../support/service-file';
import { testClient } from '../support/temporal';
import { makeTestCa } from '../support/tls-certs';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';
import { waitFor } from '../support/wait';

// Issue 16 (5): Redis over TLS (with client certificates) and through Sentinel, for real — redis-servers
// and a Sentinel of this file's own on free ports (never the shared :6379). A CI webhook's deploy goes
// through each: the trigger queues the job in Redis, its worker takes it and starts the workflow (no
// orchestrator serves this file's queue: the started workflows are terminated). Across a Sentinel
// failover (the master killed, the replica promoted) no accepted request is lost.
const ids = testIds('trust-rtls');
const SECRET = `rtls-secret-${ids.suffix}`;
const dir = () => mkdtempSync(path.join(os.tmpdir(), 'trust-rtls-'));
const servers: Array<{ kill(): Promise<void> }> = [];
const workers: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of workers) await w.stop();
  for (const s of servers) await s.kill();
});

const baseEnv = {
  DOCKHAND_HOST_REGISTRY: ids.orchestratorQueue,
  DOCKHAND_EVENTS_QUEUE: `dockhand-events-${ids.hostId}`,
};

/** A trigger serving the webhook for `services`, connected as `env` says; its port. */
async function startTrigger(env: NodeJS.ProcessEnv, services: string[]) {
  const port = await freePort();
  const trigger = startWorker('trigger', ids, {
    ...env,
    DOCKHAND_RULES: writeRules({ rules: [], webhook: { port, secretEnv: 'TEST_WEBHOOK_SECRET' } }),
    DOCKHAND_CONFIG: writeServiceFile({
      hosts: { [ids.hostId]: null },
      services: Object.fromEntries(services.map((s) => [s, { image: 'dockhand-fixture-app:v1', edge: { port: 0 } }])),
    }),
    TEST_WEBHOOK_SECRET: SECRET,
  });
  workers.push(trigger);
  await trigger.ready;
  return { port, trigger };
}

/** POSTs a signed CI deploy of `service`; the HTTP status (202: queued in Redis). */
async function postDeploy(port: number, service: string): Promise<number> {
  const raw = JSON.stringify({ service, requestedBy: 'ci-bot' });
  const ts = String(Math.floor(Date.now() / 1000));
  const delivery = `rtls-${service}`;
  const res = await fetch(`http://127.0.0.1:${port}/hooks/deploy`, {
    method: 'POST',
    body: raw,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signDelivery(SECRET, ts, delivery, raw),
      'x-dockhand-delivery': delivery,
      'x-dockhand-timestamp': ts,
    },
  });
  return res.status;
}

/** Waits until the deploy of `service` runs in Temporal (started by the trigger from its Redis job), then
 * terminates it. Its run count: exactly one start per accepted request. */
async function startedOnce(service: string): Promise<void> {
  const { client } = await testClient(ids);
  const handle = client.workflow.getHandle(serviceChangeId(service));
  const described = await waitFor(() => handle.describe().catch(() => undefined), 90_000, `the deploy of ${service}`);
  expect(described.status.name).toBe('RUNNING');
  await handle.terminate('test over: no orchestrator serves this queue');
  const runs = client.workflow.list({ query: `WorkflowId = '${serviceChangeId(service)}'` });
  let count = 0;
  for await (const _ of runs) count++;
  expect(count, `runs of ${service}`).toBe(1);
}

describe('Redis over TLS with client certificates (a real redis-server)', { timeout: 240_000 }, () => {
  const ca = makeTestCa('redis.dockhand.test');
  let url = '';
  const tlsEnv = () => ({
    ...baseEnv,
    REDIS_URL: url,
    REDIS_TLS_CA: ca.ca,
    REDIS_TLS_CERT: ca.client.cert,
    REDIS_TLS_KEY: ca.client.key,
  });

  it('refuses a client without the CA or without a client certificate, saying what to set', async () => {
    const port = await freePort();
    url = `rediss://127.0.0.1:${port}`;
    servers.push(
      await spawnRedis(
        [
          ...['--bind', '127.0.0.1', '--port', '0', '--tls-port', String(port), '--save', '', '--dir', dir()],
          ...['--tls-cert-file', ca.server.cert, '--tls-key-file', ca.server.key, '--tls-ca-cert-file', ca.ca],
          ...['--tls-auth-clients', 'yes'],
        ],
        port,
        { tls: true },
      ),
    );
    const tail = ['events', 'tail', '--failed', '--json'];
    const noCa = await runCli(tail, { REDIS_URL: url, REDIS_TLS_CERT: ca.client.cert, REDIS_TLS_KEY: ca.client.key });
    expect(noCa.code).not.toBe(0);
    expect(noCa.stderr).toMatch(
      new RegExp(
        `cannot reach Redis at rediss://127\\.0\\.0\\.1:${port} \\(its TLS certificate is not trusted \\([A-Z_]+\\): set REDIS_TLS_CA to the PEM file of the CA that signed it\\)`,
      ),
    );
    const noCert = await runCli(tail, { REDIS_URL: url, REDIS_TLS_CA: ca.ca });
    expect(noCert.code).not.toBe(0);
    // The server resets a TLS connection without a client certificate: the CLI says what may be missing.
    expect(noCert.stderr).toContain('if it requires a client certificate (tls-auth-clients)');
    expect(noCert.stderr).toContain('set REDIS_TLS_CERT and REDIS_TLS_KEY');
    const ok = await runCli(tail, tlsEnv());
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  it('a host agent registers through it, the CLI lists it, and a CI deploy is queued in it and started', async () => {
    const agent = startWorker('host-agent', ids, tlsEnv());
    workers.push(agent);
    await agent.ready;
    const listed = await waitFor(
      async () => {
        const r = await runCli(['hosts', '--json'], tlsEnv());
        const hosts = r.code === 0 ? (JSON.parse(r.stdout) as { result: Array<{ hostId: string }> }).result : [];
        return hosts.some((h) => h.hostId === ids.hostId) ? hosts : undefined;
      },
      30_000,
      'the host agent in the registry',
    );
    expect(listed.map((h) => h.hostId)).toContain(ids.hostId);
    const service = `rtls-${ids.suffix}`;
    const { port, trigger } = await startTrigger(tlsEnv(), [service]);
    expect(await postDeploy(port, service)).toBe(202);
    await startedOnce(service);
    await trigger.stop();
  });
});

describe('Redis through Sentinel, across a failover (real redis-servers and Sentinel)', { timeout: 300_000 }, () => {
  it('CI deploys accepted before and during the failover all start, once each; the replica is the master after', async () => {
    const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
    const master = await spawnRedis(['--bind', '127.0.0.1', '--port', String(masterPort), '--dir', dir()], masterPort);
    servers.push(master);
    const common = ['--bind', '127.0.0.1', '--port', String(replicaPort), '--dir', dir()];
    servers.push(await spawnRedis([...common, '--replicaof', '127.0.0.1', String(masterPort)], replicaPort));
    // Sentinel rewrites its config file: one of its own. Quorum 1 (one sentinel); a master silent for 1 s is down.
    const conf = path.join(dir(), 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `bind 127.0.0.1`,
        `port ${sentinelPort}`,
        `sentinel monitor dockhand 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds dockhand 1000`,
        `sentinel failover-timeout dockhand 5000`,
        '',
      ].join('\n'),
    );
    servers.push(await spawnRedis([conf, '--sentinel'], sentinelPort));
    const url = `redis+sentinel://127.0.0.1:${sentinelPort}/dockhand`;
    const env = { ...baseEnv, REDIS_URL: url };
    const sentinel = newRedis(`redis://127.0.0.1:${sentinelPort}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await sentinel.connect();
    const masterAddr = () => sentinel.call('SENTINEL', 'get-master-addr-by-name', 'dockhand') as Promise<string[]>;
    // The sentinel has found the replica (it can fail over) before anything is queued.
    await waitFor(
      async () => ((await sentinel.call('SENTINEL', 'replicas', 'dockhand')) as unknown[]).length > 0 || undefined,
      30_000,
      'the sentinel to see the replica',
    );
    expect(await masterAddr()).toEqual(['127.0.0.1', String(masterPort)]);

    const before = [1, 2, 3].map((i) => `rsen-${ids.suffix}-b${i}`);
    const during = [1, 2, 3].map((i) => `rsen-${ids.suffix}-d${i}`);
    const { port } = await startTrigger(env, [...before, ...during]);
    for (const s of before) expect(await postDeploy(port, s)).toBe(202);
    // Redis replicates asynchronously: what the master acknowledged in its last milliseconds can die with
    // it (docs/security.md, "Redis"). The test kills it once the replica has everything it acknowledged.
    await replicaCaughtUp(masterPort, replicaPort);
    await master.kill();
    // Sent while the master is dead: the trigger's queue waits for the promoted replica and then accepts.
    const statuses = await Promise.all(during.map((s) => postDeploy(port, s)));
    expect(statuses).toEqual([202, 202, 202]);
    await waitFor(
      async () => ((await masterAddr())[1] === String(replicaPort) ? true : undefined),
      60_000,
      'the replica promoted',
    );
    for (const s of [...before, ...during]) await startedOnce(s);
    sentinel.disconnect();
  });
});

/** Until the replica's replication offset reaches the master's. */
async function replicaCaughtUp(masterPort: number, replicaPort: number): Promise<void> {
  const offset = async (port: number) => {
    const r = newRedis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    const info = await r.info('replication');
    r.disconnect();
    return Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? -1);
  };
  await waitFor(
    async () => {
      const acknowledged = await offset(masterPort); // read first: the master's offset only grows
      return (await offset(replicaPort)) >= acknowledged ? true : undefined;
    },
    10_000,
    'the replica to catch up',
  );
}
