import type Docker from 'dockerode';
import { ErrorType, failure } from '../../common/errors';
import { activityViolations, type HostFacts, type HostPolicy } from '../../common/host-policy';
import { Labels } from '../../common/labels';

/** What the agent must look up on the engine to judge an activity (the input alone cannot say). */
export type FactsLookup = (activity: string, input: unknown) => Promise<HostFacts>;

/**
 * The host agent's activities behind its own policy (common/host-policy.ts): each call's input is
 * checked before the activity runs, so a refused container, mount, secret or path is never created,
 * read or written. A refusal is a non-retryable DockhandHostPolicy failure naming the rule and field.
 */
export function withHostPolicy<T extends object>(activities: T, policy: HostPolicy, lookup: FactsLookup): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities) as Array<[string, (...a: unknown[]) => unknown]>) {
    out[name] = async (input: unknown, ...rest: unknown[]) => {
      const refused = activityViolations(name, input, policy, await lookup(name, input));
      if (refused.length > 0)
        throw failure(
          ErrorType.HostPolicy,
          `${name} refused by the host agent's policy: ${refused.map((r) => r.message).join('; ')}`,
          { rules: refused.map(({ rule, field }) => ({ rule, field })) },
        );
      return fn(input, ...rest);
    };
  }
  return out as T;
}

/** The engine facts the policy needs: for copyFileIn, whether the target container is Dockhand's
 * (both OWNED_CONTAINER_LABELS: `dockhand.managed` alone is inherited from images Dockhand builds). */
export function engineFacts(docker: Docker): FactsLookup {
  return async (activity, input) => {
    if (activity !== 'copyFileIn') return {};
    const name = String((input as { name?: unknown } | undefined)?.name);
    try {
      const labels = (await docker.getContainer(name).inspect()).Config.Labels ?? {};
      return { owned: labels[Labels.managed] === 'true' && Labels.specHash in labels };
    } catch (e) {
      // No such container: the activity fails NotFound itself, writing nothing; other errors are the
      // engine's (retryable), not a verdict.
      if ((e as { statusCode?: number }).statusCode === 404) return {};
      throw e;
    }
  };
}
