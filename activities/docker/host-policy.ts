import { ErrorType, failure } from '../../common/errors';
import { activityViolations, type HostPolicy } from '../../common/host-policy';

/**
 * The host agent's activities behind its own policy (common/host-policy.ts): each call's input is
 * checked before the activity runs, so a refused container, mount, secret or path is never created,
 * read or written. A refusal is a non-retryable DockhandHostPolicy failure naming the rule and field.
 */
export function withHostPolicy<T extends object>(activities: T, policy: HostPolicy): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities) as Array<[string, (...a: unknown[]) => unknown]>) {
    out[name] = (input: unknown, ...rest: unknown[]) => {
      const refused = activityViolations(name, input, policy);
      if (refused.length > 0)
        return Promise.reject(
          failure(
            ErrorType.HostPolicy,
            `${name} refused by the host agent's policy: ${refused.map((r) => r.message).join('; ')}`,
            { rules: refused.map(({ rule, field }) => ({ rule, field })) },
          ),
        );
      return fn(input, ...rest);
    };
  }
  return out as T;
}
