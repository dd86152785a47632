import { isCancellation, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { ErrorType, failure } from '../common/errors';
import {
  HardenInput,
  hardeningNames,
  type HardeningChange,
  type HardenRequest,
  type HardenResult,
} from '../common/remediation/harden';
import { hardenApprovalDetails, planHardening } from '../common/remediation/harden-plan';
import { remediationEventSignal } from '../common/remediation/signals';
import { ContainerSpec } from '../common/spec/container-spec';
import { validate } from '../common/spec/validate';
import { ApprovalGate } from './lib/approval-gate';
import { askApproval, type ApprovalAsk } from './lib/ask-approval';
import { hostAgent } from './lib/activity-options';
import { remediationProgress } from './lib/progress';
import { compensateAndThrow, messageOf, Saga } from './lib/saga';
import { Labels } from '../common/labels';
import { tagWorkflow } from './lib/workflow-tags';

/**
 * Hardens a container — the runbook "drop capabilities, no-new-privileges, read-only root, limits;
 * recreate it; check it still works", durable and reversible: after approval the hardened copy is
 * created beside the old container and must become healthy before the old one is stopped and the
 * names are swapped. Any failure, rejection or cancellation removes the copy and leaves the old
 * container as it was (running, under its name).
 */
export async function remediateHarden(request: HardenRequest): Promise<HardenResult> {
  const input = validate(HardenInput, request, 'input');
  const { host, container } = input;
  const docker = hostAgent(host);
  const gate = new ApprovalGate(input.approval, {
    subject: `the hardening of ${container} on ${host}`,
    host,
    container,
  });
  const saga = new Saga();
  // Later scan events for this container join this run (signal-with-start): the plan is made once.
  setHandler(remediationEventSignal, () => undefined, {
    description: 'a later scan_finding event for this container (already being hardened)',
  });
  const progress = remediationProgress();
  tagWorkflow({ host });
  try {
    const { source, plan, spec } = await readAndPlan(docker, input, progress);
    if (plan.changes.length === 0) {
      progress.enter('done', `${container} already has every hardening asked for: nothing changed`);
      return { host, container, changes: [] };
    }
    const approval = await askApproval(gate, progress, approvalAsk(input, plan.changes));
    const created = await bringUpHardened(docker, saga, progress, { input, source, spec });
    progress.enter(
      'removing-old',
      `removing the old container (${source.id.slice(0, 12)}, now ${hardeningNames(container).retired})`,
    );
    const warnings = await removeOld(docker, container, source.id);
    progress.enter(
      'done',
      `${container} runs hardened: ${plan.changes.length} change(s)${warnings.length ? `; warning: ${warnings.join('; ')}` : ''}`,
    );
    return {
      host,
      container,
      changes: plan.changes,
      approval,
      containerId: created.id,
      ...(warnings.length ? { warnings } : {}),
    };
  } catch (err) {
    return compensateAndThrow(saga, err, {
      enter: (phase, details) => progress.enter(phase, details),
      asBefore: `${container} is as before`,
      subject: container,
    });
  }
}

type Progress = ReturnType<typeof remediationProgress>;
type Docker = ReturnType<typeof hostAgent>;

/** The running container's spec, and the hardening the findings and the policy ask of it. */
async function readAndPlan(docker: Docker, input: HardenInput, progress: Progress) {
  const { host, container } = input;
  progress.enter('planning', `reading the spec of ${container} on ${host}`);
  const source = await docker.readHardenSource({ name: container });
  if (!source.running)
    throw failure(
      ErrorType.NotRunning,
      `${container} is not running: harden a running container (its health is the proof the hardened one works)`,
    );
  const current = validate(ContainerSpec, source.spec, `spec of ${container}`);
  const plan = planHardening(current, source.exposedPorts, input.findings, input.policy);
  const spec = validate(ContainerSpec, plan.spec, 'hardened spec');
  return { source, plan, spec };
}

/** Asks a person when the policy wants one; anything but an approval ends the run with nothing changed. */
function approvalAsk(input: HardenInput, changes: HardeningChange[]): ApprovalAsk {
  return {
    policy: input.approval,
    details: (timeoutAt) =>
      hardenApprovalDetails({
        container: input.container,
        host: input.host,
        changes,
        workflowId: workflowInfo().workflowId,
        timeoutAt,
        approvers: input.approval.approvers,
      }),
    ifNot: 'nothing is changed',
    onTimeout: 'nothing changed',
  };
}

/** The hardened copy beside the old container, healthy, then under the old name: each undo goes on the saga
 * before its step (the step may half-happen: done by the Engine, result lost — review L2); every undo is
 * idempotent, and acts on ids or on names proven to be this run's. */
async function bringUpHardened(
  docker: Docker,
  saga: Saga,
  progress: Progress,
  o: { input: HardenInput; source: { id: string }; spec: ContainerSpec },
): Promise<{ id: string }> {
  const { input, source, spec } = o;
  const { container } = input;
  // Ids, not names, from here: names move during the swap, and an undo must hit the right container.
  const { candidate, retired } = hardeningNames(container);
  // A fixed host port cannot be bound twice: then the old container stops before the copy starts.
  const stopFirst = spec.ports.some((p) => p.host);
  progress.enter(
    'hardened-up',
    `${candidate}: create, start, wait until healthy (up to ${input.healthTimeoutMs / 1000}s)${stopFirst ? `; ${container} stops first (it holds a fixed host port)` : ''}`,
  );
  const made: { id?: string } = {};
  const madeHere = { [Labels.hardenedFrom]: source.id };
  saga.add(`remove ${candidate}`, () =>
    docker.removeContainer(made.id ? { name: candidate, id: made.id } : { name: candidate, requireLabels: madeHere }),
  );
  const created = await docker.createHardenedContainer({ sourceId: source.id, name: candidate, spec });
  made.id = created.id;
  const stopOld = async () => {
    saga.add(`start ${container} again`, () => docker.startContainer({ name: source.id }));
    await docker.stopContainer({ name: source.id, timeoutS: input.stopTimeoutS });
  };
  if (stopFirst) await stopOld();
  await docker.startContainer({ name: created.id });
  await docker.waitHealthy({ name: candidate, timeoutMs: input.healthTimeoutMs });

  progress.enter(
    'swapping',
    `${candidate} is healthy: stopping ${container} and giving its name to the hardened container`,
  );
  if (!stopFirst) await stopOld();
  saga.add(`rename ${retired} back to ${container}`, () =>
    docker.renameContainer({ name: source.id, newName: container }),
  );
  await docker.renameContainer({ name: source.id, newName: retired });
  saga.add(`rename the hardened ${container} back to ${candidate}`, () =>
    docker.renameContainer({ name: created.id, newName: candidate }),
  );
  await docker.renameContainer({ name: created.id, newName: container });
  saga.commit(); // the hardened container runs under the name: from here nothing is undone
  return created;
}

/** The hardened container serves: failing to remove the old one is a warning, not a failure (M7). */
async function removeOld(docker: Docker, container: string, sourceId: string): Promise<string[]> {
  const { retired } = hardeningNames(container);
  const warnings: string[] = [];
  await docker.removeContainer({ name: retired, id: sourceId }).catch((err) => {
    if (isCancellation(err) || !patched('harden-cleanup-warnings')) throw err;
    warnings.push(`the old container ${retired} (${sourceId.slice(0, 12)}) was not removed: ${messageOf(err)}`);
  });
  return warnings;
}
