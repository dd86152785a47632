import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { connectClient } from '../../client/connection';
import { loadConfig } from '../../common/config';
import { ownTemporal, type OwnServer } from '../support/own-stack';
import { makeTestCa } from '../support/tls-certs';
import { tlsTerminator } from '../support/tls-terminator';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';
import { runCli } from '../support/cli';

// A Temporal of this file's own (ports from the trust range, its own database file) behind mutual TLS
// with a CA made here: the CLI and a worker connect with the TEMPORAL_TLS_* options only.
const BASE = 23500 + Math.floor(Math.random() * 40) * 5;
const SERVER_NAME = 'temporal.dockhand.test';
const ca = makeTestCa(SERVER_NAME);
const ids = testIds('trust-tls');
const tlsEnv = {
  TEMPORAL_ADDRESS: `127.0.0.1:${BASE + 3}`,
  TEMPORAL_TLS_CA: ca.ca,
  TEMPORAL_TLS_CERT: ca.client.cert,
  TEMPORAL_TLS_KEY: ca.client.key,
  TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
  DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue,
  DOCKHAND_HOST_ID: ids.hostId,
};

let temporal: OwnServer;
let front: Awaited<ReturnType<typeof tlsTerminator>>;
let worker: WorkerProcess | undefined;
let client: Client | undefined;

beforeAll(async () => {
  temporal = await ownTemporal(mkdtempSync(path.join(os.tmpdir(), 'trust-temporal-')), BASE, BASE + 2);
  front = await tlsTerminator({
    port: BASE + 3,
    target: { host: '127.0.0.1', port: BASE },
    ...ca.server,
    clientCa: ca.ca,
  });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await front?.close();
  await temporal?.stop();
});

describe('Temporal over mutual TLS', () => {
  it('a worker polls and runs a workflow task, and a client starts and reads it, over TLS with a client certificate', async () => {
    worker = startWorker('orchestrator', ids, tlsEnv);
    await worker.ready;
    client = await connectClient({ ...loadConfig(tlsEnv), orchestratorTaskQueue: ids.orchestratorQueue });
    // Input the workflow itself refuses: its failure proves the worker ran the task over TLS.
    const handle = await client.workflow.start('blueGreenDeploy', {
      taskQueue: ids.orchestratorQueue,
      workflowId: `trust-tls-${ids.suffix}`,
      args: [{ service: 'x' }],
    });
    await expect(handle.result()).rejects.toThrow('Workflow execution failed');
    const described = await handle.describe();
    expect(described.status.name).toBe('FAILED');
    // A worker's start (bundling the workflows) takes over a minute on a loaded 2-core machine.
  }, 240_000);

  it('the CLI connects with the same options; without a client certificate or the CA it cannot', async () => {
    const ok = await runCli(['list', '--json'], tlsEnv);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout.trim().split('\n')[0]!)).toMatchObject({ ok: true });

    const { TEMPORAL_TLS_CERT: _c, TEMPORAL_TLS_KEY: _k, ...noClientCert } = tlsEnv;
    const refused = await runCli(['list', '--json'], noClientCert);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain(`cannot reach Temporal at 127.0.0.1:${BASE + 3}`);

    const { TEMPORAL_TLS_CA: _ca, ...noCa } = tlsEnv;
    const untrusted = await runCli(['list', '--json'], noCa);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stdout + untrusted.stderr).toContain(`cannot reach Temporal at 127.0.0.1:${BASE + 3}`);
  });
});
