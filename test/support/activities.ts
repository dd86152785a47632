import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { createHostActivities, type HostActivities } from '../../activities';
import type { ContainerSpec, ContainerSpecInput } from '../../common/spec/container-spec';
import { docker } from './docker';
export { waitFor } from './wait';

// Expected failures are the point of many tests; the SDK would log each one as a warning.
const quiet = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

type AnyActivity = (...a: unknown[]) => Promise<unknown>;
function runIn(env: MockActivityEnvironment, fn: AnyActivity, args: unknown[]): Promise<unknown> {
  return (env.run as (f: AnyActivity, ...a: unknown[]) => Promise<unknown>)(fn, ...args);
}

/** Runs host activities directly against the real engine — no Temporal server in between, nothing
 * mocked but the activity context (heartbeats, cancellation). Containers made with `container` belong
 * to `service` and are named `<service>-1`, `-2`, …; the test file removes the service at the end. */
export function activityRunner(hostId: string, service: string) {
  const activities = createHostActivities(docker, hostId);
  const run = <K extends keyof HostActivities>(
    name: K,
    ...args: Parameters<HostActivities[K]>
  ): ReturnType<HostActivities[K]> =>
    runIn(quiet(), activities[name] as AnyActivity, args) as ReturnType<HostActivities[K]>;
  let made = 0;
  return {
    activities,
    /** Runs one activity in a fresh context. */
    run,
    /** Creates (and by default starts) a container of the service with `spec`; resolves with its name. */
    async container(spec: ContainerSpecInput, start = true): Promise<string> {
      const name = `${service}-${++made}`;
      await run('createContainer', { name, service, spec: spec as ContainerSpec });
      if (start) await run('startContainer', { name });
      return name;
    },
    /** A context the test can cancel, and the heartbeats it saw. */
    cancellable() {
      const env = quiet();
      const heartbeats: unknown[] = [];
      env.on('heartbeat', (d: unknown) => heartbeats.push(d));
      return {
        env,
        heartbeats,
        run<K extends keyof HostActivities>(
          name: K,
          ...args: Parameters<HostActivities[K]>
        ): ReturnType<HostActivities[K]> {
          return runIn(env, activities[name] as AnyActivity, args) as ReturnType<HostActivities[K]>;
        },
      };
    },
  };
}

/** The typed failure a promise rejected with (fails the test when it resolved or threw something else). */
export async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ApplicationFailure))
    throw new Error(`expected an ApplicationFailure, got ${e === undefined ? 'success' : JSON.stringify(e)}`);
  return e;
}
