import { describe, expect, it } from 'vitest';
import { Envelope } from '../../cli/lib/envelope';
import { patientHealthcheck, viaEdge } from '../support/blue-green';
import { runCli } from '../support/cli';
import { removeNetwork, removeService } from '../support/docker';
import { freePort } from '../support/events';
import { useTestWorkers } from '../support/harness';
import { writeServiceFile } from '../support/service-file';

/** The service file drives the CLI: deploy (from the file, flags overriding one run), status, and
 * rollback after a deploy completed. Asserted at the edge, as a user sees it. */
const world = useTestWorkers('sfcli');
const service = `sf-${world.ids.suffix}`;
world.onCleanUp(async () => {
  await removeService(service);
  await removeNetwork(`dh-${service}`);
});

let edgePort: number;
let configPath: string;
const cli = (...args: string[]) =>
  runCli(['--config', configPath, ...args], {
    DOCKHAND_HOST_ID: world.ids.hostId,
    DOCKHAND_ORCHESTRATOR_QUEUE: world.ids.orchestratorQueue,
    DOCKHAND_USER: 'dana',
  });
/** The result of a --json envelope (validated against the one schema). */
const json = (out: string) => {
  const e = Envelope.parse(JSON.parse(out));
  if (!e.ok) throw new Error(`not ok: ${e.error.message}`);
  return e.result as Record<string, unknown>;
};

describe('dockhand deploy | status | rollback from the service file', () => {
  it('deploys the declared image, then an image given for one run, and the edge answers each', async () => {
    edgePort = await freePort();
    configPath = writeServiceFile({
      hosts: { [world.ids.hostId]: { description: 'the test host' } },
      services: {
        [service]: {
          image: 'dockhand-fixture-app:v1',
          port: 8080,
          approval: { required: false },
          bake: '0s',
          edge: { port: edgePort },
          container: { init: true, network: `dh-${service}`, healthcheck: patientHealthcheck, env: { MODE: 'test' } },
        },
      },
    });
    const first = await cli('deploy', service, '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(json(first.stdout)).toMatchObject({ outcome: 'succeeded', strategy: 'blue-green' });
    expect(await viaEdge(edgePort)).toBe('200 v1\n');

    const second = await cli('deploy', service, '--image', 'dockhand-fixture-app:v2', '--json');
    expect(second.code, second.stderr).toBe(0);
    const end = json(second.stdout) as { outcome: string; result: { spec: { env: Record<string, string> } } };
    expect(end.outcome).toBe('succeeded');
    expect(end.result.spec.env).toEqual({ MODE: 'test' }); // the rest of the spec comes from the file
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
  });

  it('status shows what runs on the host and the last changes', async () => {
    const out = await cli('status', service);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`${world.ids.hostId}:`));
    expect(out.stdout).toMatch(/dockhand-fixture-app:v2\s+running \(healthy\) \[(blue|green)\]/);
    expect(out.stdout).toContain('now: no change running');
    expect(out.stdout).toMatch(/blueGreenDeploy succeeded dockhand-fixture-app:v2/);
    expect(out.stdout).toMatch(/blueGreenDeploy succeeded dockhand-fixture-app:v1/);
  });

  it('rollback after the deploy completed redeploys the previous version; the edge answers v1', async () => {
    const back = await cli('rollback', service, '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(json(back.stdout)).toMatchObject({ outcome: 'succeeded' });
    expect(await viaEdge(edgePort)).toBe('200 v1\n');
    const status = json((await cli('status', service, '--json')).stdout) as { last: Array<{ image: string }> };
    expect(status.last.map((c) => c.image)).toEqual([
      'dockhand-fixture-app:v1',
      'dockhand-fixture-app:v2',
      'dockhand-fixture-app:v1',
    ]);
  });

  it('a service file that does not validate changes nothing and names file:line:path', async () => {
    const bad = writeServiceFile(
      `hosts:\n  ${world.ids.hostId}:\nservices:\n  ${service}:\n    image: dockhand-fixture-app:v2\n    port: 8080\n    edge: { port: ${edgePort}, colour: blue }\n`,
    );
    for (const args of [
      ['config', 'check'],
      ['deploy', service, '--wait'],
    ]) {
      const out = await runCli(['--config', bad, ...args], {
        DOCKHAND_HOST_ID: world.ids.hostId,
        DOCKHAND_ORCHESTRATOR_QUEUE: world.ids.orchestratorQueue,
      });
      expect(out.code).toBe(1);
      expect(out.stderr).toContain(`${bad}:7 services.${service}.edge.colour: unknown key`);
    }
    expect(await viaEdge(edgePort)).toBe('200 v1\n');
  });

  it('a service the file does not declare, without --image, says how to declare it', async () => {
    const out = await cli('deploy', `undeclared-${world.ids.suffix}`);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /declares no service "undeclared-[^"]*" \(it has: sf-[^)]*\): declare undeclared-\S* under services: .*or give --image/,
    );
  });
});
