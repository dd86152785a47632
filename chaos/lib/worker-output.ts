import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { World, WorkerKind } from '../world';

const KINDS: WorkerKind[] = ['orchestrator', 'host-agent', 'trigger'];

/** Writes the last output of each worker (their JSON logs) beside the repository's state
 * (`.dockhand/chaos/<seed>-<round>/<kind>.log`) and returns the folder: a violation's evidence. */
export function saveWorkerOutput(world: World, seed: number, round: number): string {
  const dir = path.resolve('.dockhand', 'chaos', `${seed}-${round}`);
  mkdirSync(dir, { recursive: true });
  for (const kind of KINDS) writeFileSync(path.join(dir, `${kind}.log`), world.workerOutput(kind));
  return dir;
}
