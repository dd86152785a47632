import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceChangeId } from '../../common/workflow-ids';
import { fixtureApp, patientHealthcheck, viaEdge, waitForPhase } from '../support/blue-green';
import { runCli } from '../support/cli';
import { removeNetwork, removeService } from '../support/docker';
import { freePort } from '../support/events';
import { useTestWorkers } from '../support/harness';
import { writeServiceFile } from '../support/service-file';

/**
 * Issue 16, end to end: a blue-green deploy of a service whose file requires signed answers waits for
 * approval; the real CLI's unsigned and wrong-key answers are refused with the refusal printed, the
 * change keeps waiting and the edge keeps answering v1; `dockhand approve --key` with the approver's
 * key counts, and the edge answers v2. `dockhand deploy --no-approval` is no way round the rule: refused
 * before anything starts, unless the service file allows skipping (`approval.allowSkip`).
 */
const world = useTestWorkers('sign');
const service = `sign-${world.ids.suffix}`;
const network = `dh-${service}`;
world.onCleanUp(async () => {
  await removeService(service);
  await removeNetwork(network);
});
const keys = path.join(__dirname, '..', 'fixtures', 'answer-keys');
const key = (name: string) => path.join(keys, name);

let configPath: string;
let edgePort: number;
const env = () => ({
  DOCKHAND_HOST_ID: world.ids.hostId,
  DOCKHAND_ORCHESTRATOR_QUEUE: world.ids.orchestratorQueue,
  DOCKHAND_USER: 'dana', // the requester: not an approver
  CI: 'true',
});
const cli = (...args: string[]) => runCli(['--config', configPath, ...args], env());

describe('signed approval, end to end (real CLI, workers, engine, edge)', { timeout: 300_000 }, () => {
  it('unsigned and wrong-key approvals are refused and printed; a signed one counts and the edge answers v2', async () => {
    edgePort = await freePort();
    const serviceFile = (allowSkip: boolean) =>
      writeServiceFile({
        hosts: { [world.ids.hostId]: { description: 'the test host' } },
        services: {
          [service]: {
            image: fixtureApp('v1'),
            port: 8080,
            approval: {
              required: true,
              approvers: ['ann', 'bob'],
              keys: {
                ann: readFileSync(key('ann_ed25519.pub'), 'utf8').trim(),
                bob: readFileSync(key('bob.pub.pem'), 'utf8'),
              },
              requireSignatures: true,
              ...(allowSkip ? { allowSkip } : {}),
            },
            bake: '0s',
            edge: { port: edgePort },
            container: { init: true, network, healthcheck: patientHealthcheck },
          },
        },
      });
    configPath = serviceFile(false);
    const handle = world.client.workflow.getHandle(serviceChangeId(service));

    // Skipping the approval would skip the signature: refused, and nothing was started.
    const skip = await cli('deploy', service, '--no-approval');
    expect(skip.code).not.toBe(0);
    expect(skip.stderr).toContain(
      `approval.required: a run without approval (--no-approval) is refused: ${service} counts only signed answers`,
    );
    expect(skip.stdout).toBe('');
    await expect(handle.describe()).rejects.toThrow(/not found/i);

    // Where the service file allows it explicitly, the same command deploys without an approval.
    const first = await runCli(['--config', serviceFile(true), 'deploy', service, '--no-approval', '--json'], env());
    expect(first.code, first.stderr).toBe(0);
    expect(await viaEdge(edgePort)).toBe('200 v1\n');

    const started = await cli('deploy', service, '--image', fixtureApp('v2'), '--detach');
    expect(started.code, started.stderr).toBe(0);
    await waitForPhase(handle, 'awaiting-approval', 120_000);

    const unsigned = await cli('approve', service, '--by', 'ann');
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain(`refused: ${service} requires signed answers`);
    expect(unsigned.stdout).toBe('');

    const wrongKey = await cli('approve', service, '--by', 'ann', '--key', key('bob.pem'));
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('refused: signature of ann does not verify');

    const notListed = await cli('approve', service, '--by', 'mallory', '--key', key('bob.pem'));
    expect(notListed.code).toBe(1);
    expect(notListed.stderr).toContain('refused: mallory has no key in the service file (approval.keys)');

    // None of them counted: the change still waits and the edge still answers v1.
    await waitForPhase(handle, 'awaiting-approval', 1_000);
    expect(await viaEdge(edgePort)).toBe('200 v1\n');

    const signed = await cli('approve', service, '--by', 'ann', '--key', key('ann_ed25519'));
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain('approved by ann');
    const result = await handle.result();
    expect(result).toMatchObject({ service, image: fixtureApp('v2'), approval: { outcome: 'approved', by: 'ann' } });
    // The refusal that needed the signature checked is in the record, with who and why. The unsigned answer
    // and mallory's (no key) were refused by the Update's validator, so they never entered history: the
    // CLI printed them above.
    expect(result.approval.refused.map((r: { why?: string }) => r.why)).toEqual([
      'refused: signature of ann does not verify',
    ]);
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
  });
});
