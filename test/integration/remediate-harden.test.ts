import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { answerDeploy } from '../../client/answer';
import { startHarden } from '../../client/harden';
import type { DockhandConfig } from '../../common/config';
import { DeployErrorType, ErrorType } from '../../common/errors';
import { hardeningNames, type HardenResult } from '../../common/remediation/harden';
import { phaseStatusQuery } from '../../common/remediation/signals';
import { docker, removeContainersLabelled } from '../support/docker';
import { runCli } from '../support/blue-green';
import { waitFor } from '../support/events';
import { clientAs, testClient } from '../support/temporal';
import { startSecurityScan } from '../../client/security-scan';
import { hardenId } from '../../common/workflow-ids';
import { testQueue, writeRules } from '../support/events';
import { startWorker, testIds, type WorkerProcess } from '../support/workers';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ids = testIds('harden');
const testLabel = { 'dockhand.test': ids.suffix };
const MiB = 1024 * 1024;
let client: Client;
let config: DockhandConfig;
let workers: WorkerProcess[] = [];
let reportsDir = '';
// This suite's own events queue: the scan publishes its findings there and the trigger reads them.
const queueName = `dockhand-events-${ids.suffix}`;
const events = testQueue(queueName);
const optIn = { 'dockhand.harden': 'true', 'dockhand.test': ids.suffix };
const rules = {
  rules: [
    {
      name: 'harden-on-findings',
      match: { action: 'scan_finding', labels: optIn },
      workflow: 'remediateHarden',
      args: { pidsLimit: 128 },
    },
  ],
};

// Patient: on a saturated shared machine a 2 s check times out now and then.
const healthcheck = {
  Test: ['CMD', '/bin/busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/health'],
  Interval: 1e9,
  Timeout: 10e9,
  Retries: 5,
};

/** An unsafe container: an extra capability, no limits, writable root, may gain privileges. */
async function unsafeContainer(
  name: string,
  image = 'dockhand-fixture-app:v1',
  labels: Record<string, string> = testLabel,
) {
  const c = await docker.createContainer({
    name,
    Image: image,
    Env: ['GREETING=hello'],
    Labels: labels,
    Healthcheck: healthcheck,
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: {
      Init: true,
      CapAdd: ['NET_ADMIN'],
      PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    },
  });
  await c.start();
  await waitFor(async () => (await c.inspect()).State.Health?.Status === 'healthy', 60_000, `${name} healthy`);
  return (await c.inspect()).Id;
}

async function waitForPhase(handle: WorkflowHandle, phase: string) {
  await waitFor(
    async () => (await handle.query(phaseStatusQuery).catch(() => undefined))?.phase === phase,
    90_000,
    `phase ${phase}`,
  );
}

/** The typed failure a workflow ended with. */
async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  let cause = (err as WorkflowFailedError).cause;
  while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as Error & { cause?: Error }).cause;
  return cause as ApplicationFailure;
}

async function namesOf(prefix: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`dockhand.test=${ids.suffix}`] } });
  return list
    .map((c) => c.Names[0]!.slice(1))
    .filter((n) => n.startsWith(prefix))
    .sort();
}

beforeAll(async () => {
  ({ client, config } = await testClient(ids));
  reportsDir = await mkdtemp(path.join(os.tmpdir(), 'dockhand-reports-'));
  const env = { DOCKHAND_EVENTS_QUEUE: queueName };
  workers = [
    startWorker('orchestrator', ids, { ...env, DOCKHAND_REPORTS_DIR: reportsDir }),
    startWorker('host-agent', ids, env),
    startWorker('trigger', ids, { ...env, DOCKHAND_RULES: writeRules(rules) }),
  ];
  await Promise.all(workers.map((w) => w.ready));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await events.dispose();
  if (reportsDir) await rm(reportsDir, { recursive: true, force: true });
  await removeContainersLabelled(`dockhand.test=${ids.suffix}`);
});

describe('remediateHarden (real engine, real Temporal)', () => {
  it('after approval, recreates the container hardened under its own name, healthy, with its environment', async () => {
    const name = `hardenme-${ids.suffix}`;
    const oldId = await unsafeContainer(name);
    const handle = await startHarden(
      client,
      config,
      { host: ids.hostId, container: name, healthTimeoutMs: 60_000 },
      'test',
    );
    await waitForPhase(handle, 'awaiting-approval');
    const details = (await handle.query(phaseStatusQuery)).details;
    expect(details).toContain('security.capDrop: [] → ["ALL"] (CIS-5.4)');
    expect(details).toContain(`dockhand approve ${name} --host ${ids.hostId}`);
    expect((await docker.getContainer(name).inspect()).Id).toBe(oldId); // nothing changed while it waits

    // The way `dockhand approve <container> --host <host>` finds it.
    expect(
      (
        await answerDeploy(
          clientAs(client, 'alice'),
          name,
          'approve',
          { by: 'alice', comment: 'scan findings' },
          ids.hostId,
        )
      ).workflowId,
    ).toBe(handle.workflowId);
    const result = (await handle.result()) as HardenResult;
    expect(result.changes.map((c) => `${c.ruleId} ${c.field}`)).toEqual([
      'CIS-5.4 security.capDrop',
      'CIS-5.4 security.capAdd',
      'CIS-5.11 resources.memory',
      'CIS-5.13 security.readOnlyRootfs',
      'CIS-5.13 security.tmpfs',
      'CIS-5.26 security.noNewPrivileges',
      'CIS-5.29 resources.pidsLimit',
    ]);
    expect(result.approval).toMatchObject({ outcome: 'approved', by: 'alice' });

    const info = await docker.getContainer(name).inspect();
    expect(info.Id).toBe(result.containerId);
    expect(info.Id).not.toBe(oldId);
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.CapAdd ?? []).toEqual([]);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.Tmpfs).toEqual({ '/tmp': 'size=64m,mode=1777', '/run': 'size=16m' });
    expect(info.HostConfig.Memory).toBe(256 * MiB);
    expect(info.HostConfig.PidsLimit).toBe(256);
    expect(info.Config.Env).toContain('GREETING=hello');
    expect(info.Config.Labels?.['dockhand.test']).toBe(ids.suffix);
    await waitFor(
      async () => (await docker.getContainer(name).inspect()).State.Health?.Status === 'healthy',
      30_000,
      'hardened container healthy',
    );
    await expect(docker.getContainer(oldId).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const { candidate, retired } = hardeningNames(name);
    expect(await namesOf(name)).toEqual([name]);
    expect(await namesOf(candidate)).toEqual([]);
    expect(await namesOf(retired)).toEqual([]);
  });

  it('refuses a container with settings the hardened copy could not carry, naming each field (M11)', async () => {
    const name = `unmodelled-${ids.suffix}`;
    const c = await docker.createContainer({
      name,
      Image: 'dockhand-fixture-app:v1',
      Labels: testLabel,
      HostConfig: {
        Init: true,
        CapAdd: ['NET_ADMIN'],
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
        ExtraHosts: ['db:10.0.0.9'],
        ShmSize: 128 * MiB,
      },
    });
    await c.start();
    const before = await c.inspect();
    const handle = await startHarden(
      client,
      config,
      { host: ids.hostId, container: name, approval: { required: false }, healthTimeoutMs: 60_000 },
      'test',
    );
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe(ErrorType.Unsupported);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('HostConfig.Ulimits');
    expect(failure.message).toContain('HostConfig.ExtraHosts (["db:10.0.0.9"])');
    expect(failure.message).toContain(`HostConfig.ShmSize (${128 * MiB})`);
    const after = await docker.getContainer(name).inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    expect(await namesOf(name)).toEqual([name]);
  });

  it('a hardened spec that never gets healthy (read-only root breaks the app) is undone: the original runs untouched', async () => {
    // The flaky fixture writes /www/health at start: on a read-only root it exits at once.
    const name = `breaks-${ids.suffix}`;
    const oldId = await unsafeContainer(name, 'dockhand-fixture-app:flaky');
    const before = (await docker.getContainer(name).inspect()).HostConfig;
    const handle = await startHarden(
      client,
      config,
      { host: ids.hostId, container: name, approval: { required: false }, healthTimeoutMs: 60_000 },
      'test',
    );
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe(ErrorType.ContainerExited);

    const info = await docker.getContainer(name).inspect();
    expect(info.Id).toBe(oldId);
    expect(info.State.Running).toBe(true);
    expect(info.HostConfig.CapAdd).toEqual(before.CapAdd);
    expect(info.HostConfig.ReadonlyRootfs).toBe(false);
    expect(info.HostConfig.Memory).toBe(0);
    expect(await namesOf(name)).toEqual([name]); // no -hardened leftover
    expect((await handle.query(phaseStatusQuery)).phase).toBe('failed');
  });

  it('a failure while swapping names (the retired name is taken) is undone: old container started again under its name, copy removed', async () => {
    const name = `swapfail-${ids.suffix}`;
    const oldId = await unsafeContainer(name);
    const { candidate, retired } = hardeningNames(name);
    // Someone else's container already holds the name the old one would move to.
    const squatter = await docker.createContainer({
      name: retired,
      Image: 'dockhand-fixture-app:v1',
      Labels: testLabel,
    });
    const handle = await startHarden(
      client,
      config,
      { host: ids.hostId, container: name, approval: { required: false }, healthTimeoutMs: 60_000 },
      'test',
    );
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe(ErrorType.Conflict);

    const info = await docker.getContainer(name).inspect();
    expect(info.Id).toBe(oldId);
    expect(info.State.Running).toBe(true);
    expect(info.HostConfig.ReadonlyRootfs).toBe(false);
    expect(await namesOf(candidate)).toEqual([]);
    expect((await docker.getContainer(retired).inspect()).Id).toBe(squatter.id); // untouched
  });

  it('reject (through the CLI: remediate <c> harden, reject <c> --host): nothing is changed', async () => {
    const name = `rejectme-${ids.suffix}`;
    const oldId = await unsafeContainer(name);
    const env = { DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue };
    const started = await runCli(
      ['remediate', name, 'harden', '--host', ids.hostId, '--finding', 'CIS-5.26', '--detach', '--json'],
      env,
    );
    expect(started.stderr).toBe('');
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    expect(workflowId).toBe(hardenId(ids.hostId, name));
    const handle = client.workflow.getHandle(workflowId);
    await waitForPhase(handle, 'awaiting-approval');
    expect((await handle.query(phaseStatusQuery)).details).toContain(
      'security.noNewPrivileges: false → true (CIS-5.26)',
    );
    const rejected = await runCli(['reject', name, '--host', ids.hostId, '--by', 'bob', '--comment', 'not now'], env);
    expect(rejected.stdout.trim()).toBe(`${workflowId}: rejected by bob`);
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe(DeployErrorType.Rejected);
    expect(failure.message).toBe('rejected by bob: not now');

    const info = await docker.getContainer(name).inspect();
    expect(info.Id).toBe(oldId);
    expect(info.State.Running).toBe(true);
    expect(info.HostConfig.SecurityOpt ?? []).not.toContain('no-new-privileges');
    expect(await namesOf(name)).toEqual([name]);
  });

  it('a scan finding on an opted-in container starts hardening (trigger rule) that fixes only those findings', async () => {
    const name = `scanned-${ids.suffix}`;
    await unsafeContainer(name, 'dockhand-fixture-app:v1', { ...testLabel, ...optIn });
    const scan = await startSecurityScan(client, config, {
      hosts: [ids.hostId],
      containers: { names: [name] },
      checks: { include: ['CIS-5.26', 'CIS-5.29'] },
      publishFindings: true,
    });
    await scan.result();
    const handle = client.workflow.getHandle(hardenId(ids.hostId, name));
    await waitForPhase(handle, 'awaiting-approval');
    await answerDeploy(clientAs(client, 'carol'), name, 'approve', { by: 'carol' }, ids.hostId);
    const result = (await handle.result()) as HardenResult;
    expect(result.changes).toEqual([
      { ruleId: 'CIS-5.26', field: 'security.noNewPrivileges', from: false, to: true },
      { ruleId: 'CIS-5.29', field: 'resources.pidsLimit', from: 0, to: 128 },
    ]);
    const info = await docker.getContainer(name).inspect();
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(info.HostConfig.PidsLimit).toBe(128);
    expect(info.HostConfig.CapAdd).toEqual(['NET_ADMIN']); // not asked for: unchanged
    expect(info.HostConfig.ReadonlyRootfs).toBe(false);
  });
});
