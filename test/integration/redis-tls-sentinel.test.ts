import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { newRedis } from '../../client/redis-connection';
import { signDelivery } from '../../common/events/signature';
import { serviceChangeId } from '../../common/workflow-ids';
import { runCli } from '../support/cli';
import { freePort, writeRules } from '../support/events';
import { SENTINEL_MASTER, startOwnRedis } from '../support/redis-server';
import { writeServiceFile } from '../support/service-file';
import { testClient } from '../support/temporal';
import { makeTestCa } from '../support/tls-certs';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';
import { waitFor } from '../support/wait';

// Issue 16 (5): Redis over TLS (with client certificates) and through Sentinel, for real — redis-servers
// and a Sentinel of this file's own on free ports (never the shared :6379). A CI webhook's deploy goes
// through each: the trigger queues the job in Redis, its worker takes it and starts the workflow (no
// orchestrator serves this file's queue: the started workflows are terminated). Across a Sentinel
// failover (the master killed, the replica promoted) no accepted request is lost, in plain and over TLS
// (master, replica and Sentinel speaking only TLS: rediss+sentinel://).
const ids = testIds('trust-rtls');
const SECRET = `rtls-secret-${ids.suffix}`;
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

/** How long a webhook request may wait for its answer (the trigger waits for Redis, through a failover). */
const POST_WAIT_MS = 90_000;

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

/** POSTs a signed CI deploy of `service`; the HTTP status (202: queued in Redis). Bounded: a trigger
 * whose Redis never comes back fails the test saying so (with `explain`), not at the file's timeout. */
async function postDeploy(port: number, service: string, explain?: () => Promise<string>): Promise<number> {
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
    signal: AbortSignal.timeout(POST_WAIT_MS),
  }).catch(async (err: Error) => {
    const why = explain ? `\n${await explain()}` : '';
    throw new Error(`the CI deploy of ${service} got no answer in ${POST_WAIT_MS / 1000} s (${err.message})${why}`);
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
    const server = await startOwnRedis({ tls: ca });
    servers.push(server);
    ({ url } = server);
    const { port } = server;
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
    // A server that requires a client certificate sends TLS 1.3's "certificate required" alert and closes
    // the connection; the client sees whichever reaches it first (both seen in CI runs). Either way the
    // CLI says what is, or may be, missing.
    expect(noCert.stderr).toMatch(
      /it requires a client certificate \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED\)|ECONNRESET: it closed the TLS connection; if it requires a client certificate \(tls-auth-clients\)/,
    );
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

// One failover run: a master, its replica and a Sentinel (all over TLS when `ca` is given); `count` CI
// deploys accepted through the Sentinel before the master is killed and `count` while it is dead (the
// trigger's queue waits for the promoted replica, then accepts) all start, once each.
async function acrossFailover(name: string, count: number, ca?: ReturnType<typeof makeTestCa>) {
  // A run that hung (once in CI, the TLS run, until the file's 300 s timeout) says where it was.
  let stage = 'starting the master, the replica and the Sentinel';
  let triggerOutput = () => '(no trigger yet)';
  onTestFailed(() =>
    console.error(
      `acrossFailover(${name}) failed while ${stage}; the trigger's output ends:\n${triggerOutput().slice(-3000)}`,
    ),
  );
  const master = await startOwnRedis({ tls: ca });
  servers.push(master);
  const replica = await startOwnRedis({ tls: ca, replicaOf: master.port });
  servers.push(replica);
  const sentinel = await startOwnRedis({ tls: ca, sentinelFor: master.port });
  servers.push(sentinel);
  const tlsFiles = ca ? { REDIS_TLS_CA: ca.ca, REDIS_TLS_CERT: ca.client.cert, REDIS_TLS_KEY: ca.client.key } : {};
  const scheme = ca ? 'rediss+sentinel' : 'redis+sentinel';
  const env = { ...baseEnv, ...tlsFiles, REDIS_URL: `${scheme}://127.0.0.1:${sentinel.port}/${SENTINEL_MASTER}` };
  const open = async (url: string) => {
    const r = newRedis(url, { lazyConnect: true, maxRetriesPerRequest: 1 }, env);
    await r.connect();
    return r;
  };
  const asked = await open(sentinel.url);
  const masterAddr = () => asked.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER) as Promise<string[]>;
  // The sentinel has found the replica (it can fail over) before anything is queued.
  stage = 'waiting for the Sentinel to see the replica';
  await waitFor(
    async () => ((await asked.call('SENTINEL', 'replicas', SENTINEL_MASTER)) as unknown[]).length > 0 || undefined,
    30_000,
    'the sentinel to see the replica',
  );
  expect(await masterAddr()).toEqual(['127.0.0.1', String(master.port)]);

  const named = (when: string) => Array.from({ length: count }, (_, i) => `${name}-${ids.suffix}-${when}${i + 1}`);
  const [before, during] = [named('b'), named('d')];
  stage = 'starting the trigger';
  const { port, trigger } = await startTrigger(env, [...before, ...during]);
  triggerOutput = trigger.output;
  stage = 'posting the deploys before the failover';
  for (const s of before) expect(await postDeploy(port, s)).toBe(202);
  // Redis replicates asynchronously: what the master acknowledged in its last milliseconds can die with
  // it (docs/security.md, "Redis"). The test kills it once the replica has everything it acknowledged.
  const offset = async (url: string) => {
    const r = await open(url);
    const info = await r.info('replication');
    r.disconnect();
    return Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? -1);
  };
  stage = 'waiting for the replica to catch up';
  await waitFor(
    async () => {
      const acknowledged = await offset(master.url); // read first: the master's offset only grows
      return (await offset(replica.url)) >= acknowledged ? true : undefined;
    },
    10_000,
    'the replica to catch up',
  );
  stage = 'killing the master';
  await master.kill();
  const explain = async () =>
    `the sentinel names the master ${(await masterAddr().catch((e: Error) => [e.message])).join(':')}; the trigger's output ends:\n${trigger.output().slice(-3000)}`;
  stage = 'posting the deploys during the failover';
  const statuses = await Promise.all(during.map((s) => postDeploy(port, s, explain)));
  expect(statuses).toEqual(during.map(() => 202));
  stage = 'waiting for the replica to be promoted';
  await waitFor(
    async () => ((await masterAddr())[1] === String(replica.port) ? true : undefined),
    60_000,
    'the replica promoted',
  );
  for (const s of [...before, ...during]) {
    stage = `waiting for the deploy of ${s} to start`;
    await startedOnce(s);
  }
  asked.disconnect();
  stage = 'stopping the trigger';
  await trigger.stop();
  // A clean stop, not the grace period's end: after a failover ioredis may be reconnecting, and BullMQ's
  // graceful close waited for ever on such a connection (workers/lib/queue-worker-stop.ts).
  expect(trigger.output()).toContain('"trigger stopped"');
  expect(trigger.output()).not.toContain('did not stop within');
}

describe('Redis through Sentinel, across a failover (real redis-servers and Sentinel)', { timeout: 300_000 }, () => {
  it('CI deploys accepted before and during the failover all start, once each; the replica is the master after', () =>
    acrossFailover('rsen', 3));

  it('over TLS (master, replica and Sentinel speak only TLS, client certificates required): the same, one deploy each side', () =>
    acrossFailover('rsent', 1, makeTestCa('redis.dockhand.test')));
});
