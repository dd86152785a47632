import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { eventsQueueName } from '../common/events/queues';
import { Labels } from '../common/labels';
import { hardeningNames } from '../common/remediation/harden';
import { DeployErrorType } from '../common/errors';
import type { RollingUpdateResult } from '../common/rolling-update';
import { startCiDeliveries } from './lib/ci-deliveries';
import { injectProcessFault, FAULTS, type DownWindow, type Fault } from './lib/faults';
import { allContainers, edgePort, edgeRoutes, owned, removeContainers, type Seen } from './lib/inspect';
import { startEdgeLoad } from './lib/load';
import { Random, roundSeed } from './lib/random';
import {
  app,
  BG,
  BG_COLLIDING,
  createFlaky,
  createGarbage,
  createHardenTarget,
  restartUnhealthyId,
  ROLL,
  ROLL_REPLICAS,
  startBlueGreen,
  startCleanupRun,
  startHardenRun,
  startRolling,
  WORKFLOWS,
  type WorkflowKind,
} from './lib/scenarios';
import { CI_SERVICE, startWorld, type World, type WorldOptions } from './world';
import { saveWorkerOutput } from './lib/worker-output';

export interface ChaosOptions {
  rounds: number;
  seed: number;
  /** Only these workflows / faults (default: all). */
  workflows?: readonly WorkflowKind[];
  faults?: readonly Fault[];
  world: Omit<WorldOptions, 'log'>;
  log?: (line: string) => void;
}

export interface Violation {
  round: number;
  seed: number;
  workflow: WorkflowKind;
  fault: Fault;
  what: string;
  link?: string;
}

export interface ChaosSummary {
  rounds: number;
  faults: Record<string, number>;
  violations: number;
  requests: number;
  failed_outside_engine_restart: number;
}

/** What each of the suite's services should serve now (the last outcome that Docker must show). */
interface Model {
  web: string;
  api: string;
}

type Ended =
  | { kind: 'completed'; result: unknown }
  | { kind: 'failed'; message: string; type?: string; details?: unknown[] }
  | { kind: 'cancelled'; message: string }
  | { kind: 'hung'; message: string };

/** Faults on the way of a CI request: the webhook's process, the queue it lands in, the server it starts on. */
const CI_PATH_FAULTS: readonly Fault[] = ['kill-trigger', 'kill-redis', 'restart-temporal'];

/** The run a handle follows: the first run of a started workflow, or the run it was got with. */
function runIdOf(handle: WorkflowHandle): string | undefined {
  const h = handle as WorkflowHandle & { firstExecutionRunId?: string; runId?: string };
  return h.firstExecutionRunId ?? h.runId;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a workflow's end through Temporal restarts (a dropped connection is retried). */
async function ended(world: World, handle: WorkflowHandle, ms = 300_000): Promise<Ended> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const client = await world.client();
      const h = client.workflow.getHandle(handle.workflowId, runIdOf(handle));
      const result: unknown = await Promise.race([
        h.result(),
        sleep(Math.max(1000, deadline - Date.now())).then(() => {
          throw new Error('timeout');
        }),
      ]);
      return { kind: 'completed', result };
    } catch (err) {
      if (err instanceof WorkflowFailedError) {
        const cause = err.cause;
        if (cause instanceof CancelledFailure) return { kind: 'cancelled', message: cause.message };
        if (cause instanceof ApplicationFailure)
          return {
            kind: 'failed',
            message: cause.message,
            type: cause.type ?? undefined,
            details: cause.details ?? undefined,
          };
        return { kind: 'failed', message: cause?.message ?? err.message };
      }
      if ((err as Error).message === 'timeout') break;
      await sleep(1000);
    }
  }
  return { kind: 'hung', message: `no end within ${ms / 1000}s` };
}

/** Runs the suite: sets the world up, plays `rounds` rounds, checks the invariants after each. */
export async function runChaos(opts: ChaosOptions): Promise<{ summary: ChaosSummary; violations: Violation[] }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const world = await startWorld({ ...opts.world, log });
  const violations: Violation[] = [];
  const faults: Record<string, number> = {};
  let requests = 0;
  let failedOutside = 0;
  try {
    // --- the world's fixed population -------------------------------------------------------
    const model: Model = { web: 'v1', api: 'v1' };
    log('setup: blue-green service web on v1, rolling service api on v1 x3');
    const first = await ended(world, await startBlueGreen(world, BG, 'v1'));
    const firstRoll = await ended(world, await startRolling(world, 'v1', 'start-first'));
    if (first.kind !== 'completed' || firstRoll.kind !== 'completed')
      throw new Error(`set-up deploys failed: ${JSON.stringify(first)} ${JSON.stringify(firstRoll)}`);
    const foreign: Seen[] = [];
    await ensureForeign(world, foreign);
    log(`setup: ${foreign.length} foreign containers (no labels, and other services' with colliding names)`);

    for (let round = 1; round <= opts.rounds; round++) {
      const random = new Random(roundSeed(opts.seed, round));
      const workflow = random.pick(opts.workflows ?? WORKFLOWS);
      let fault = random.pick(opts.faults ?? FAULTS);
      if (fault === 'bad-image' && !['blue-green', 'rolling-start-first', 'rolling-stop-first'].includes(workflow))
        fault = 'stop-new-container';
      faults[fault] = (faults[fault] ?? 0) + 1;
      const at = random.int(0, 8000);
      let workersSaved = false;
      const violation = (what: string, link?: string) => {
        violations.push({ round, seed: opts.seed, workflow, fault, what, link });
        log(
          `VIOLATION seed=${opts.seed} round=${round} ${workflow}/${fault}: ${what}${link ? `\n  history: ${link}` : ''}`,
        );
        // The workers' own words outlive the world (torn down at the end): what an activity was doing.
        if (!workersSaved) log(`  worker logs: ${saveWorkerOutput(world, opts.seed, round)}`);
        workersSaved = true;
      };
      log(`round ${round}: ${workflow}, fault ${fault} at +${at} ms`);
      const windows: DownWindow[] = [];
      const webPort = await edgePort(world.docker, `${BG}-edge`);
      const apiPort = await edgePort(world.docker, `${ROLL}-edge`);
      // Either version may answer while a change runs; after it, only what the model says.
      const versions = new Set(['v1', 'v2']);
      const load = startEdgeLoad([
        {
          name: BG,
          url: () => (webPort === undefined ? undefined : `http://${world.engine.address}:${webPort}/version`),
          accept: (b) => versions.has(b),
        },
        {
          name: ROLL,
          url: () => (apiPort === undefined ? undefined : `http://${world.engine.address}:${apiPort}/version`),
          accept: (b) => versions.has(b),
        },
      ]);
      const roundStart = Date.now();
      // In rounds whose fault hits a CI request's path (the trigger, its Redis, Temporal), a deploy
      // request of another service and its redelivery ride along: the fault lands while the trigger takes
      // it in and runs it. (Not in every round: each is a whole blue-green deploy on a 2-core machine.)
      const ci = CI_PATH_FAULTS.includes(fault) ? startCiDeliveries(world, opts.seed, round) : undefined;
      try {
        await playRound(world, { round, workflow, fault, at, random, model, windows, violation, roundStart, log });
      } catch (err) {
        violation(`the round itself failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
      const { requests: n, failures } = await load.stop();
      // Nothing lost: every CI request processed exactly once.
      await ci
        ?.check((what) => violation(what), log)
        .catch((err: Error) => violation(`the CI check itself failed: ${err.message}`));
      requests += n;
      const outside = failures.filter((f) => !windows.some((w) => f.at >= w.from && f.at <= w.to));
      failedOutside += outside.length;
      if (outside.length)
        violation(
          `${outside.length} of ${n} requests failed outside an engine restart, first: ${outside
            .slice(0, 3)
            .map((f) => `${f.target} +${f.at - roundStart}ms ${f.why}`)
            .join('; ')}`,
        );
      const broken = await checkWorld(world, model, foreign, violation);
      // A violation is reported once: the services are rebuilt so later rounds test from a whole world.
      if (broken) await repair(world, model, foreign, log);
    }
  } finally {
    log('tearing the world down');
    await world.destroy();
  }
  const summary: ChaosSummary = {
    rounds: opts.rounds,
    faults,
    violations: violations.length,
    requests,
    failed_outside_engine_restart: failedOutside,
  };
  return { summary, violations };
}

/** Foreign containers that sit on the engine throughout: plain ones, and other services' containers
 * whose names collide with names Dockhand derives for the suite's services. */
function foreignSpecs(): Array<{ name: string; labels: Record<string, string>; cmd?: string[] }> {
  const other = (service: string, extra: Record<string, string>) => ({
    [Labels.managed]: 'true',
    [Labels.service]: service,
    [Labels.specHash]: 'other-service',
    ...extra,
  });
  return [
    { name: 'bystander', labels: { 'com.example.team': 'payments' } },
    { name: 'bystander-exited', labels: { 'com.example.team': 'payments' }, cmd: ['/bin/busybox', 'true'] },
    // Another service's replica named like the 4th slot of `api` (a scale-up to 4 meets it).
    { name: `${ROLL}-4`, labels: other(`${ROLL}-x`, { [Labels.slot]: '4' }) },
    // Another service's blue color named like `web2`'s first color (C1's collision).
    { name: `${BG_COLLIDING}-blue`, labels: other(`${BG_COLLIDING}-x`, { [Labels.color]: 'blue' }) },
    // A plain container named like a hardening leftover of another container.
    { name: 'legacy-pre-harden', labels: {} },
  ];
}

/** Creates the foreign containers that are missing or not as they were (after a violation touched
 * them: whatever holds the name now is removed first); `foreign` is updated in place. */
async function ensureForeign(world: World, foreign: Seen[]): Promise<void> {
  const now = await allContainers(world.docker);
  for (const spec of foreignSpecs()) {
    const was = foreign.find((f) => f.name === spec.name);
    const is = now.find((c) => c.name === spec.name);
    if (was && is && is.id === was.id && is.state === was.state && is.startedAt === was.startedAt) continue;
    if (is) await world.docker.getContainer(is.id).remove({ force: true });
    const c = await world.docker.createContainer({
      name: spec.name,
      Image: app('v1'),
      Labels: spec.labels,
      HostConfig: { Init: true },
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    });
    await c.start();
    if (spec.cmd) await c.wait();
    const seen = (await allContainers(world.docker)).find((x) => x.id === c.id)!;
    if (was) foreign.splice(foreign.indexOf(was), 1, seen);
    else foreign.push(seen);
  }
}

interface RoundContext {
  round: number;
  workflow: WorkflowKind;
  fault: Fault;
  at: number;
  random: Random;
  model: Model;
  windows: DownWindow[];
  violation: (what: string, link?: string) => void;
  roundStart: number;
  log: (line: string) => void;
}

/** Starts the round's workflow, injects the fault at its moment, waits for the end, and checks that
 * the stated outcome matches what Docker shows. */
async function playRound(world: World, ctx: RoundContext): Promise<void> {
  const { workflow, fault, model } = ctx;
  const flip = (v: string) => (v === 'v1' ? 'v2' : 'v1');
  let handle: WorkflowHandle | undefined;
  let check: (end: Ended) => Promise<void> | void;
  const link = () => handle && world.historyLink(handle.workflowId, runIdOf(handle));
  const bad = (what: string) => ctx.violation(what, link());
  let newContainer: () => Promise<string | undefined> = () => Promise.resolve(undefined);
  // A container this round's workflow made that is still starting: not yet healthy, so not yet behind
  // the edge — killing it fails the step that waits for it (health wait, monitor), nothing else.
  const createdNow = async (pred: (c: Seen) => boolean) =>
    (await allContainers(world.docker)).find(
      (c) => pred(c) && c.health === 'starting' && Date.parse(c.startedAt) >= ctx.roundStart - 1000,
    )?.id;

  switch (workflow) {
    case 'blue-green': {
      const target = fault === 'bad-image' ? 'broken' : flip(model.web);
      handle = await startBlueGreen(world, BG, target);
      newContainer = () => createdNow((c) => c.labels[Labels.service] === BG && !!c.labels[Labels.color]);
      check = (end) => {
        if (end.kind === 'completed') {
          if (target === 'broken') bad('a deploy of a never-healthy image completed');
          model.web = target;
        }
        // Whatever the end, the service must show exactly one version: the model's.
      };
      break;
    }
    case 'rolling-start-first':
    case 'rolling-stop-first': {
      const target = fault === 'bad-image' ? 'broken' : flip(model.api);
      handle = await startRolling(world, target, workflow === 'rolling-start-first' ? 'start-first' : 'stop-first');
      newContainer = () => createdNow((c) => c.labels[Labels.service] === ROLL && !!c.labels[Labels.slot]);
      check = (end) => {
        const result = (
          end.kind === 'completed'
            ? end.result
            : end.kind === 'failed' && end.type === DeployErrorType.RolledBack
              ? end.details?.[0]
              : undefined
        ) as RollingUpdateResult | undefined;
        if (end.kind === 'completed' && result?.outcome === 'updated') {
          if (target === 'broken') bad('a rollout of a never-healthy image ended "updated"');
          model.api = target;
        } else if (end.kind === 'completed') bad(`rollout completed with outcome ${result?.outcome}`);
      };
      break;
    }
    case 'clean-up-during-rollout': {
      // A stop-first rollout to an image that never gets healthy keeps the replaced replica stopped as
      // <name>-prev for its rollback; a clean-up (minAge 0) runs meanwhile and must leave it alone.
      handle = await startRolling(world, 'broken', 'stop-first');
      const prev = await waitFor(30_000, async () =>
        (await allContainers(world.docker)).find((c) => c.labels[Labels.service] === ROLL && c.name.endsWith('-prev')),
      );
      const cleanup = await startCleanupRun(world);
      ctx.log(`  clean-up started while ${prev ? `${prev.name} (${prev.state})` : 'no -prev'} existed`);
      check = async (end) => {
        if (end.kind === 'completed')
          bad(`a rollout to a never-healthy image completed: ${JSON.stringify(end.result).slice(0, 200)}`);
        const c = await ended(world, cleanup);
        if (c.kind === 'hung') bad(`clean-up ${cleanup.workflowId} did not end`);
      };
      break;
    }
    case 'collision-rolling-scale': {
      // Scale api to 4: slot 4's name is held by another service's container.
      handle = await startRolling(world, flip(model.api), 'start-first', ROLL_REPLICAS + 1);
      check = (end) => {
        if (end.kind === 'completed') {
          bad(`scaling into a name held by another service completed: ${JSON.stringify(end.result).slice(0, 300)}`);
          // The model follows what Docker should now show, so later rounds do not cascade.
          model.api = flip(model.api);
        }
      };
      break;
    }
    case 'collision-blue-green': {
      handle = await startBlueGreen(world, BG_COLLIDING, 'v1');
      check = async (end) => {
        if (end.kind === 'completed') bad('a deploy into a name held by another service completed');
        const left = (await allContainers(world.docker)).filter(
          (c) => c.labels[Labels.service] === BG_COLLIDING && c.labels[Labels.color],
        );
        if (left.length) bad(`web2 left colored containers: ${left.map((c) => `${c.name} (${c.state})`).join(', ')}`);
      };
      break;
    }
    case 'harden': {
      const name = `legacy-${ctx.round}`;
      const target = await createHardenTarget(world, name);
      const originalId = target.id;
      await waitHealthyOrRunning(world, name);
      handle = await startHardenRun(world, name);
      const { candidate, retired } = hardeningNames(name);
      newContainer = async () =>
        (await allContainers(world.docker)).find((c) => c.name === candidate && c.health === 'starting')?.id;
      check = async (end) => {
        const all = await allContainers(world.docker);
        const named = all.find((c) => c.name === name);
        const leftovers = all.filter((c) => c.name === candidate || c.name === retired);
        if (leftovers.length) bad(`hardening left ${leftovers.map((c) => `${c.name} (${c.state})`).join(', ')}`);
        if (!named || named.state !== 'running') bad(`${name} is ${named ? named.state : 'gone'} after ${end.kind}`);
        else if (end.kind === 'completed') {
          const r = end.result as { containerId?: string; changes: unknown[] };
          if (r.changes.length && r.containerId !== named.id)
            bad(`hardening says ${r.containerId} runs as ${name}, Docker shows ${named.id}`);
        } else if (named.id !== originalId)
          bad(`hardening ${end.kind} but ${name} is no longer the original container`);
        // The target is the round's own: remove it so the engine stays small.
        await removeContainers(
          world.docker,
          [named, ...leftovers].flatMap((c) => (c ? [c.id] : [])),
        );
      };
      break;
    }
    case 'clean-up': {
      const garbage = await createGarbage(world, `gone${ctx.round}`, 3);
      handle = await startCleanupRun(world);
      check = async (end) => {
        const left = (await allContainers(world.docker)).filter((c) => garbage.includes(c.id));
        if (end.kind === 'completed' && left.length)
          bad(`clean-up completed but left ${left.length} of its garbage: ${left.map((c) => c.name).join(', ')}`);
        await removeContainers(
          world.docker,
          left.map((c) => c.id),
        );
      };
      break;
    }
    case 'restart-unhealthy': {
      const name = `flaky-${ctx.round}`;
      const c = await createFlaky(world, name);
      await waitHealthyOrRunning(world, name);
      const firstStart = (await c.inspect()).State.StartedAt;
      await (await c.exec({ Cmd: ['/bin/busybox', 'rm', '/www/health'] })).start({});
      const id = restartUnhealthyId(world, name);
      const client = await world.client();
      handle = client.workflow.getHandle(id);
      newContainer = () => Promise.resolve(c.id);
      // The workflow starts from the engine event through Redis and the trigger; a lost event never starts it.
      const started = await waitFor(60_000, async () =>
        (await world.client()).workflow
          .getHandle(id)
          .describe()
          .then((d) => d.runId)
          .catch(() => undefined),
      );
      if (!started) {
        await injectAt(world, ctx, undefined, newContainer);
        ctx.violation(`the unhealthy event of ${name} never started ${id} (lost)`);
        await c.remove({ force: true }).catch(() => undefined);
        return;
      }
      handle = (await world.client()).workflow.getHandle(id, started);
      check = async (end) => {
        const info = await c.inspect();
        let restarts: number | undefined;
        if (end.kind === 'completed') restarts = (end.result as { restarts?: number }).restarts;
        if (fault !== 'cancel' && fault !== 'stop-new-container') {
          if (info.State.StartedAt === firstStart) bad(`${name} was never restarted`);
          if (restarts !== undefined && restarts !== 1)
            bad(`${name} restarted ${restarts} times for one unhealthy event`);
          if (!info.State.Running) bad(`${name} is ${info.State.Status} after remediation`);
        }
        await c.remove({ force: true }).catch(() => undefined);
      };
      break;
    }
  }

  const end = await (async () => {
    await injectAt(world, ctx, handle, newContainer);
    return ended(world, handle);
  })();
  if (end.kind === 'hung') {
    bad(`${handle.workflowId} did not end: ${end.message}`);
    await handle.terminate('chaos: hung').catch(() => undefined);
  }
  await check!(end);
}

/** Waits `at` ms, then injects the round's fault (process faults, a cancellation, a stopped container). */
async function injectAt(
  world: World,
  ctx: RoundContext,
  handle: WorkflowHandle | undefined,
  newContainer: () => Promise<string | undefined>,
): Promise<void> {
  // A container is killed at the first moment it is seen starting (its moment is the step's own);
  // every other fault waits for the round's random moment.
  if (ctx.fault !== 'stop-new-container') await sleep(ctx.at);
  if (await injectProcessFault(world, ctx.fault, ctx.random, ctx.windows)) return;
  if (ctx.fault === 'cancel' && handle) await handle.cancel().catch(() => undefined);
  if (ctx.fault === 'stop-new-container') {
    // An activity-level failure: the container the step made dies under it (health wait, monitor).
    const id = await waitFor(20_000, newContainer, 100);
    if (id)
      await world.docker
        .getContainer(id)
        .kill()
        .catch(() => undefined);
    ctx.log(id ? `  killed ${id.slice(0, 12)} while it was starting` : '  no starting container to kill (missed)');
  }
}

async function waitFor<T>(ms: number, probe: () => Promise<T | undefined>, everyMs = 250): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== null && v !== false) return v;
    await sleep(everyMs);
  }
  return undefined;
}

async function waitHealthyOrRunning(world: World, name: string): Promise<void> {
  await waitFor(60_000, async () => {
    const s = (await world.docker.getContainer(name).inspect()).State;
    return s.Running && (!s.Health || s.Health.Status === 'healthy') ? true : undefined;
  });
}

/** The invariants every round ends with. */
async function checkWorld(
  world: World,
  model: Model,
  foreign: Seen[],
  violation: (what: string, link?: string) => void,
): Promise<boolean> {
  // Health settles after a dockerd restart or a killed replica comes back: give it a moment.
  let problems: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    problems = await worldProblems(world, model, foreign);
    if (!problems.length) break;
    await sleep(1500);
  }
  for (const p of problems) violation(p);
  return problems.length > 0;
}

/** After a violation: stops what still runs, removes the suite's services and deploys them again on
 * v1 (outside any round; a failure here ends the run). Foreign containers are left as they are. */
async function repair(world: World, model: Model, foreign: Seen[], log: (line: string) => void): Promise<void> {
  log('  repair: rebuilding web and api on v1, the foreign containers as they were');
  const client = await world.client();
  for await (const w of client.workflow.list({ query: 'ExecutionStatus="Running"' }))
    await client.workflow
      .getHandle(w.workflowId, w.runId)
      .terminate('chaos: repair after a violation')
      .catch(() => undefined);
  const ours = (await allContainers(world.docker)).filter(
    (c) => owned(c) && [BG, ROLL, BG_COLLIDING].includes(c.labels[Labels.service] ?? ''),
  );
  await removeContainers(
    world.docker,
    ours.map((c) => c.id),
  );
  await ensureForeign(world, foreign);
  const web = await ended(world, await startBlueGreen(world, BG, 'v1'));
  const api = await ended(world, await startRolling(world, 'v1', 'start-first'));
  if (web.kind !== 'completed' || api.kind !== 'completed')
    throw new Error(`repair deploys failed: ${JSON.stringify(web)} ${JSON.stringify(api)}`);
  Object.assign(model, { web: 'v1', api: 'v1' });
}

async function worldProblems(world: World, model: Model, foreign: Seen[]): Promise<string[]> {
  const problems: string[] = [];
  const all = await allContainers(world.docker);
  const byId = new Map(all.map((c) => [c.id, c]));
  // 1. Foreign containers: same id, name, state, start time.
  for (const f of foreign) {
    const now = byId.get(f.id);
    if (!now) problems.push(`foreign container ${f.name} (${f.id.slice(0, 12)}) was removed`);
    else if (now.name !== f.name || now.state !== f.state || now.startedAt !== f.startedAt)
      problems.push(
        `foreign container ${f.name} was touched: now ${now.name} ${now.state} started ${now.startedAt} (was ${f.state} started ${f.startedAt})`,
      );
  }
  const foreignIds = new Set(foreign.map((f) => f.id));
  const mine = all.filter((c) => owned(c) && !foreignIds.has(c.id));
  // 2. No orphan, no duplicate.
  const web = mine.filter((c) => c.labels[Labels.service] === BG && c.labels[Labels.color]);
  const api = mine.filter((c) => c.labels[Labels.service] === ROLL && c.labels[Labels.slot]);
  // CI_SERVICE's colors: deployed by the round's CI requests (their own check says exactly once).
  const ci = mine.filter((c) => c.labels[Labels.service] === CI_SERVICE && c.labels[Labels.color]);
  const known = new Set([...web, ...api, ...ci].map((c) => c.id));
  for (const c of mine) {
    if (known.has(c.id)) continue;
    const svc = c.labels[Labels.service];
    const isEdge = c.name === `${svc}-edge`;
    const hardened = c.labels[Labels.hardenedFrom] !== undefined;
    if (!isEdge && !hardened) problems.push(`orphan: ${c.name} (service ${svc}, ${c.state})`);
  }
  if (web.length !== 1)
    problems.push(`web has ${web.length} colored containers: ${web.map((c) => `${c.name} ${c.state}`).join(', ')}`);
  const live = web[0];
  if (live) {
    if (live.state !== 'running' || live.health !== 'healthy')
      problems.push(`web's ${live.name} is ${live.state}/${live.health}`);
    if (live.image !== app(model.web)) problems.push(`web runs ${live.image}, the last outcome says ${app(model.web)}`);
    const routes = await edgeRoutes(world.docker, `${BG}-edge`);
    const routed = [...routes.servers.values()].flat();
    for (const s of routed)
      if (!web.some((c) => c.name === s && c.state === 'running' && c.health === 'healthy'))
        problems.push(`web's edge routes to ${s}, which is not a running healthy replica`);
  }
  const slots = new Map<string, Seen[]>();
  for (const c of api) slots.set(c.labels[Labels.slot]!, [...(slots.get(c.labels[Labels.slot]!) ?? []), c]);
  const expected = Array.from({ length: ROLL_REPLICAS }, (_, i) => `${ROLL}-${i + 1}`);
  const names = api.map((c) => c.name).sort();
  if (JSON.stringify(names) !== JSON.stringify(expected))
    problems.push(
      `api's replicas are [${api.map((c) => `${c.name} ${c.state}`).join(', ')}], expected ${expected.join(', ')}`,
    );
  for (const [slot, cs] of slots) if (cs.length > 1) problems.push(`api slot ${slot} has ${cs.length} containers`);
  for (const c of api) {
    if (c.state !== 'running' || c.health !== 'healthy') problems.push(`api's ${c.name} is ${c.state}/${c.health}`);
    if (c.image !== app(model.api))
      problems.push(`api's ${c.name} runs ${c.image}, the last outcome says ${app(model.api)}`);
  }
  const apiRoutes = [...(await edgeRoutes(world.docker, `${ROLL}-edge`)).servers.values()].flat();
  for (const s of apiRoutes)
    if (!api.some((c) => c.name === s && c.state === 'running' && c.health === 'healthy'))
      problems.push(`api's edge routes to ${s}, which is not a running healthy replica`);
  // What the edges answer now is the model's version.
  for (const [svc, version] of [
    [BG, model.web],
    [ROLL, model.api],
  ] as const) {
    const port = await edgePort(world.docker, `${svc}-edge`);
    const body = port
      ? await fetch(`http://${world.engine.address}:${port}/version`)
          .then((r) => r.text())
          .catch((e: Error) => e.message)
      : 'no edge port';
    if (body.trim() !== version)
      problems.push(`${svc}'s edge answers "${body.trim()}", the last outcome says ${version}`);
  }
  // 3. No stale lock: nothing of the suite's runs any more.
  const client = await world.client();
  for await (const w of client.workflow.list({ query: 'ExecutionStatus="Running"' }))
    problems.push(`still running: ${w.workflowId} (${w.type}) ${world.historyLink(w.workflowId, w.runId)}`);
  // 4. Nothing lost: every queued event processed (none waiting, none failed for good).
  const redis = new Redis(world.config.redisUrl, { maxRetriesPerRequest: 3 });
  try {
    const queue = new Queue(eventsQueueName(), { connection: redis });
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    await queue.close();
    const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
    if (pending) problems.push(`events queue still holds ${pending} unprocessed jobs (${JSON.stringify(counts)})`);
    if (counts.failed) problems.push(`events queue has ${counts.failed} failed jobs`);
  } finally {
    redis.disconnect();
  }
  return problems;
}
