import { describe, expect, it } from 'vitest';
import { Envelope } from '../../cli/lib/envelope';
import { serviceChangeId } from '../../common/workflow-ids';
import { fixtureApp, patientHealthcheck, viaEdge, waitForPhase } from '../support/blue-green';
import { runCli, startCli } from '../support/cli';
import { removeNetwork, removeService } from '../support/docker';
import { freePort } from '../support/events';
import { useTestWorkers } from '../support/harness';
import { writeServiceFile } from '../support/service-file';
import { waitFor } from '../support/wait';

/**
 * A CLI to live in, against the real stack: each exit code from a real case (0 done, 3 rejected,
 * 4 scan findings, 5 timed out waiting; 1 and 2 in cli-errors.test.ts), Ctrl-C that stops the
 * following but never the change, `status --follow` to re-attach, list / history / logs / cancel /
 * resume, and every --json output checked against the one envelope schema.
 */
const world = useTestWorkers('cli');
const service = `cli-${world.ids.suffix}`;
const network = `dh-${service}`;
world.onCleanUp(async () => {
  await removeService(service);
  await removeNetwork(network);
});

let configPath: string;
let edgePort: number;
const env = () => ({
  DOCKHAND_HOST_ID: world.ids.hostId,
  DOCKHAND_ORCHESTRATOR_QUEUE: world.ids.orchestratorQueue,
  DOCKHAND_USER: 'dana',
  CI: 'true',
});
const cli = (...args: string[]) => runCli(['--config', configPath, ...args], env());
/** The one JSON envelope a --json command prints (the whole of stdout), validated. */
const envelope = (out: { stdout: string }) => Envelope.parse(JSON.parse(out.stdout));
const changeHandle = () => world.client.workflow.getHandle(serviceChangeId(service));
const awaitingApproval = () => waitForPhase(changeHandle(), 'awaiting-approval', 120_000);

describe('dockhand: a CLI to live in', { timeout: 300_000 }, () => {
  it('exit 0: deploy follows the change to its end; --json prints the envelope with the outcome', async () => {
    edgePort = await freePort();
    configPath = writeServiceFile({
      hosts: { [world.ids.hostId]: { description: 'the test host' } },
      services: {
        [service]: {
          image: fixtureApp('v1'),
          port: 8080,
          approval: { required: true },
          bake: '0s',
          edge: { port: edgePort },
          container: {
            init: true,
            network,
            healthcheck: patientHealthcheck,
            // The fixture's httpd logs nothing: a line at start gives `dockhand logs` something to show.
            command: [
              '/bin/busybox',
              'sh',
              '-c',
              `echo hello from ${service}; exec /bin/busybox httpd -f -p 8080 -h /www`,
            ],
          },
        },
      },
    });
    const out = await cli('deploy', service, '--no-approval', '--json');
    expect(out.code, out.stderr).toBe(0);
    const e = envelope(out);
    expect(e).toMatchObject({
      ok: true,
      workflowId: serviceChangeId(service),
      url: expect.stringContaining(encodeURIComponent(serviceChangeId(service))),
      result: { outcome: 'succeeded', service, strategy: 'blue-green' },
    });
    expect(out.stderr).toBe(''); // --json: no progress lines
    expect(await viaEdge(edgePort)).toBe('200 v1\n');
  });

  it('exit 5: --timeout stops following a deploy that waits for approval; the change goes on; list and status say what it waits on', async () => {
    const out = await cli('deploy', service, '--image', fixtureApp('v2'), '--timeout', '3s', '--json');
    expect(out.code, out.stderr).toBe(5);
    const e = envelope(out);
    expect(e).toMatchObject({
      ok: false,
      workflowId: serviceChangeId(service),
      error: { kind: 'timed-out', exitCode: 5 },
    });
    expect(out.stderr).toContain(`goes on. Follow it again: dockhand status ${service} --follow`);
    await awaitingApproval();

    const listed = await waitFor(
      async () => {
        const l = envelope(await cli('list', '--service', service, '--json'));
        const items = l.ok
          ? (l.result as Array<{ workflowId: string; phase: string; ageMs: number; kind: string }>)
          : [];
        return items.find((i) => i.phase === 'awaiting-approval');
      },
      30_000,
      'list shows the deploy awaiting approval',
      1000,
    );
    expect(listed).toMatchObject({ workflowId: serviceChangeId(service), kind: 'change' });
    expect(listed.ageMs).toBeGreaterThan(0);
    const human = await cli('list', '--service', service);
    expect(human.stdout).toMatch(new RegExp(`deploy/${service}\\s+blueGreenDeploy\\s+awaiting-approval\\s+\\d+[smh]`));

    const status = await cli('status', service, '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(envelope(status)).toMatchObject({
      ok: true,
      result: { service, running: { type: 'blueGreenDeploy', waitingFor: expect.stringContaining('approval') } },
    });
    expect((await cli('status', service)).stdout).toContain('awaiting-approval, waiting for an approval');
  });

  it('Ctrl-C stops following, never the change; status --follow re-attaches and exits 3 when the change is rejected', async () => {
    const interrupted = startCli(['--config', configPath, 'status', service, '--follow'], env());
    await interrupted.stderrContains('awaiting-approval');
    interrupted.child.kill('SIGINT');
    const stopped = await interrupted.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(
      `stopped following; deploy/${service} goes on. Follow it again: dockhand status ${service} --follow`,
    );
    expect((await changeHandle().describe()).status.name).toBe('RUNNING');

    const follower = startCli(['--config', configPath, 'status', service, '--follow'], env());
    await follower.stderrContains('awaiting-approval');
    const rejected = await cli('reject', service, '--comment', 'not today', '--json');
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(envelope(rejected)).toMatchObject({
      ok: true,
      workflowId: serviceChangeId(service),
      result: { sent: 'reject', by: 'dana' },
    });
    const end = await follower.done;
    expect(end.code, end.stderr).toBe(3);
    expect(end.stderr).toMatch(new RegExp(`dockhand: deploy/${service} rejected: .*not today`));
    expect(await viaEdge(edgePort)).toBe('200 v1\n');
  });

  it('exit 0 after an approval; history names who approved, with outcome, image, duration and link; logs show the containers', async () => {
    const started = await cli('deploy', service, '--image', fixtureApp('v2'), '--detach', '--json');
    expect(started.code, started.stderr).toBe(0);
    expect(envelope(started)).toMatchObject({ ok: true, result: { service, image: fixtureApp('v2') } });
    await awaitingApproval();
    const follower = startCli(['--config', configPath, 'status', service, '--follow', '--json'], env());
    await new Promise((r) => setTimeout(r, 500));
    const approved = await cli('approve', service, '--by', 'erin', '--json');
    expect(approved.code, approved.stderr).toBe(0);
    const followed = await follower.done;
    expect(followed.code, followed.stderr).toBe(0);
    envelope(followed);
    expect(await viaEdge(edgePort)).toBe('200 v2\n');

    const history = await cli('history', service, '--json');
    expect(history.code, history.stderr).toBe(0);
    const h = envelope(history);
    const entries = (h.ok ? h.result : []) as Array<Record<string, unknown>>;
    expect(entries.map((c) => [c.outcome, c.image, c.approvedBy])).toEqual([
      ['succeeded', fixtureApp('v2'), 'erin'],
      ['failed', null, null],
      ['succeeded', fixtureApp('v1'), null],
    ]);
    expect(entries[1]!.failure).toMatch(/not today/);
    expect(entries[0]!.durationMs).toBeGreaterThan(0);
    expect(entries[0]!.url).toContain(`/${entries[0]!.runId as string}/history`);
    expect((await cli('history', service)).stdout).toMatch(
      new RegExp(`blueGreenDeploy\\s+succeeded\\s+${fixtureApp('v2')}\\s+erin\\s+\\d+[smh]\\s+http`),
    );

    const logs = await cli('logs', service, '--json');
    expect(logs.code, logs.stderr).toBe(0);
    const l = envelope(logs);
    const hosts = (l.ok ? l.result : {}) as {
      hosts: Array<{ host: string; containers: Array<{ name: string; stdout: string }> }>;
    };
    expect(hosts.hosts.map((x) => x.host)).toEqual([world.ids.hostId]);
    const names = hosts.hosts[0]!.containers.map((c) => c.name);
    // The live color (the old one is gone after the switch); the edge only with --edge.
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(new RegExp(`^${service}-(blue|green)$`));
    for (const c of hosts.hosts[0]!.containers) expect(c.stdout).toContain(`hello from ${service}`);
    expect((await cli('logs', service, '-n', '5')).stdout).toMatch(
      new RegExp(`^${world.ids.hostId}/${service}-(blue|green) \\| \\S+Z hello from ${service}$`, 'm'),
    );
  });

  it('cancel: the running change compensates and the live version keeps serving; resume and cancel with nothing running say so', async () => {
    const started = await cli('deploy', service, '--image', fixtureApp('v1'), '--detach', '--json');
    expect(started.code, started.stderr).toBe(0);
    await awaitingApproval();
    const cancelled = await cli('cancel', service, '--json');
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(envelope(cancelled)).toMatchObject({
      ok: true,
      workflowId: serviceChangeId(service),
      result: { failureType: 'cancelled' },
    });
    expect((await changeHandle().describe()).status.name).toBe('CANCELLED');
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
    const h = envelope(await cli('history', service, '-n', '1', '--json'));
    expect(h.ok && (h.result as Array<{ outcome: string }>)[0]!.outcome).toBe('cancelled');

    for (const verb of ['cancel', 'resume']) {
      const out = await cli(verb, service, '--json');
      expect(out.code).toBe(1);
      expect(envelope(out)).toMatchObject({ ok: false, error: { kind: 'error', exitCode: 1 } });
      expect(out.stderr).toBe(`dockhand: no change of ${service} is running (deploy/${service} is cancelled)\n`);
    }
  });

  it('exit 4: scan --fail-on with findings at or above the threshold; the result rides in the error envelope', async () => {
    const out = await cli(
      'scan',
      '--host',
      world.ids.hostId,
      '--include',
      `${service}-*`,
      '--fail-on',
      'info',
      '--json',
    );
    expect(out.code, out.stderr).toBe(4);
    const e = envelope(out);
    expect(e).toMatchObject({ ok: false, error: { kind: 'findings', exitCode: 4 } });
    const counts = (e.ok ? {} : (e.error.details as { counts: Record<string, number> })).counts!;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
