import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRedis } from '../../client/redis-connection';
import { signDelivery } from '../../common/events/signature';
import { serviceChangeId } from '../../common/workflow-ids';
import { runCli } from '../support/cli';
import { freePort, writeRules } from '../support/events';
import { writeServiceFile } from '../support/service-file';
import { testClient } from '../support/temporal';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';
import { waitFor } from '../support/wait';

// issue 16 (d): `scripts/stack.sh` runs Redis with the password of REDIS_URL, and every process honours it end
// to end — a host agent registers itself, the CLI lists it, the trigger queues a webhook's deploy in Redis
// and starts the workflow. A redis-server of this file's own (port from the trust range), started by the
// stack script with a state dir of its own; no orchestrator is needed (the started workflow is terminated).
const ROOT = path.resolve(__dirname, '../..');
const PORT = 23600 + Math.floor(Math.random() * 100);
const PASSWORD = 'trust-stack-pw:9/x';
const URL = `redis://:${encodeURIComponent(PASSWORD)}@127.0.0.1:${PORT}`;
const state = mkdtempSync(path.join(os.tmpdir(), 'trust-stack-'));
const ids = testIds('trust-redis');
const SECRET = `trust-secret-${ids.suffix}`;
const service = `trustrd-${ids.suffix}`;
const env = {
  REDIS_URL: URL,
  DOCKHAND_HOST_REGISTRY: ids.orchestratorQueue,
  DOCKHAND_EVENTS_QUEUE: `dockhand-events-${ids.hostId}`,
};
const workers: WorkerProcess[] = [];
let stackOutput = '';

beforeAll(async () => {
  const r = await promisify(execFile)('bash', [path.join(ROOT, 'scripts/stack.sh'), 'redis'], {
    env: { ...process.env, REDIS_URL: URL, DOCKHAND_STATE_DIR: state },
    timeout: 60_000,
  });
  stackOutput = r.stdout + r.stderr;
}, 90_000);
afterAll(async () => {
  for (const w of workers) await w.stop();
  const pid = Number(readFileSync(path.join(state, `redis-${PORT}.pid`), 'utf8'));
  if (pid > 0) process.kill(pid, 'SIGTERM');
});

describe('a Redis with a password, from scripts/stack.sh to every worker', () => {
  it('stack.sh starts it with the password kept out of its output and the process list; no password is refused', async () => {
    expect(stackOutput).toContain(`starting redis-server on 127.0.0.1:${PORT}`);
    expect(stackOutput).not.toContain(PASSWORD);
    const pid = readFileSync(path.join(state, `redis-${PORT}.pid`), 'utf8').trim();
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain('trust-stack-pw');
    const open = newRedis(`redis://127.0.0.1:${PORT}`, { lazyConnect: true, maxRetriesPerRequest: 0 });
    open.on('error', () => undefined); // the refusal is asserted below, not logged
    await open.connect().catch(() => undefined);
    await expect(open.get('x')).rejects.toThrow(/NOAUTH/);
    open.disconnect();
    const authed = newRedis(URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await authed.connect();
    expect(await authed.ping()).toBe('PONG');
    authed.disconnect();
  });

  it('a host agent registers in it, the CLI lists the host, and the trigger queues a webhook deploy and starts it', async () => {
    const agent = startWorker('host-agent', ids, env);
    workers.push(agent);
    await agent.ready;
    const listed = await waitFor(
      async () => {
        const r = await runCli(['hosts', '--json'], env);
        const hosts = r.code === 0 ? (JSON.parse(r.stdout) as { result: Array<{ hostId: string }> }).result : [];
        return hosts.some((h) => h.hostId === ids.hostId) ? hosts : undefined;
      },
      30_000,
      'the host agent in the registry',
    );
    expect(listed.map((h) => h.hostId)).toContain(ids.hostId);

    const port = await freePort();
    const trigger = startWorker('trigger', ids, {
      ...env,
      DOCKHAND_RULES: writeRules({ rules: [], webhook: { port, secretEnv: 'TEST_WEBHOOK_SECRET' } }),
      DOCKHAND_CONFIG: writeServiceFile({
        hosts: { [ids.hostId]: null },
        services: { [service]: { image: 'dockhand-fixture-app:v1', edge: { port: await freePort() } } },
      }),
      TEST_WEBHOOK_SECRET: SECRET,
    });
    workers.push(trigger);
    await trigger.ready;
    const raw = JSON.stringify({ service, requestedBy: 'ci-bot' });
    const ts = String(Math.floor(Date.now() / 1000));
    const delivery = `trust-${ids.suffix}`;
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
    expect(res.status).toBe(202);
    // Through Redis (the deploy job) to Temporal: the trigger started the service's change.
    const { client } = await testClient(ids);
    const handle = client.workflow.getHandle(serviceChangeId(service));
    const described = await waitFor(() => handle.describe().catch(() => undefined), 60_000, 'the started deploy');
    expect(described.status.name).toBe('RUNNING');
    await handle.terminate('test over: no orchestrator serves this queue');
    expect(trigger.output()).not.toContain(PASSWORD);
    expect(trigger.output()).not.toContain(encodeURIComponent(PASSWORD));
  });
});
