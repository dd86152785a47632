import { isCancellation } from '@temporalio/workflow';
import type { HostAgent } from './activity-options';
import { compensationIncomplete, messageOf, Saga } from './saga';

type CreateInput = Parameters<HostAgent['createContainer']>[0];

/**
 * Replaces a service's own container without taking it down first (review M10): the new spec is staged
 * as `<name>-next` and must become healthy before the old container stops and the names swap; any
 * failure before the swap removes the staged copy (by id) and restarts the old one, which keeps
 * serving. A fixed host port cannot be bound twice: then the old container stops just before the
 * staged one starts (and starts again if that fails). The old container is removed last, by id;
 * failing that is a warning: the new one already serves.
 */
export async function replaceStaged(
  docker: HostAgent,
  input: CreateInput,
  oldId: string,
  healthTimeoutMs: number,
): Promise<{ container: Awaited<ReturnType<HostAgent['createContainer']>>; warnings: string[] }> {
  const { name, service } = input;
  const staged = `${name}-next`;
  const retired = `${name}-prev`;
  // A copy left by an interrupted replace of this service: this service's only (refused otherwise).
  await docker.removeContainer({ name: staged, service });
  const saga = new Saga();
  const stopFirst = input.spec.ports?.some((p) => p.host) ?? false;
  let stagedId: string | undefined;
  try {
    saga.add(`remove ${staged}`, () =>
      docker.removeContainer(stagedId ? { name: staged, id: stagedId } : { name: staged, service }),
    );
    const container = await docker.createContainer({ ...input, name: staged });
    stagedId = container.id;
    const stopOld = async () => {
      saga.add(`start ${name} again`, () => docker.startContainer({ name: oldId }));
      await docker.stopContainer({ name: oldId });
    };
    if (stopFirst) await stopOld();
    await docker.startContainer({ name: container.id });
    await docker.waitHealthy({ name: staged, timeoutMs: healthTimeoutMs });
    if (!stopFirst) await stopOld();
    saga.add(`rename ${retired} back to ${name}`, () => docker.renameContainer({ name: oldId, newName: name }));
    await docker.renameContainer({ name: oldId, newName: retired });
    saga.add(`rename the new ${name} back to ${staged}`, () =>
      docker.renameContainer({ name: container.id, newName: staged }),
    );
    await docker.renameContainer({ name: container.id, newName: name });
    saga.commit(); // the new container serves under the name
    const warnings: string[] = [];
    await docker.removeContainer({ name: retired, id: oldId }).catch((err) => {
      if (isCancellation(err)) throw err;
      warnings.push(`the old container ${retired} (${oldId.slice(0, 12)}) was not removed: ${messageOf(err)}`);
    });
    return { container, warnings };
  } catch (err) {
    const failed = await saga.compensate();
    throw failed.length ? compensationIncomplete(err, failed) : err;
  }
}
