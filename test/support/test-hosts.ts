import type { TestHostsOptions } from '../../cli/lib/test-hosts';

/** Test hosts (cli/lib/test-hosts.ts) whose agents serve this run alone: its orchestrator queue and its
 * host registry (named after that queue, as `startWorker`'s are), no events published; host ids
 * `<hostId>-<i>`. `agentEnv` adds to that environment. */
export function ownTestHosts(
  ids: { hostId: string; orchestratorQueue: string },
  o: Omit<TestHostsOptions, 'hostIdPrefix'>,
): TestHostsOptions {
  return {
    ...o,
    hostIdPrefix: `${ids.hostId}-`,
    agentEnv: {
      DOCKHAND_ORCHESTRATOR_QUEUE: ids.orchestratorQueue,
      DOCKHAND_HOST_REGISTRY: ids.orchestratorQueue,
      DOCKHAND_EVENTS_PUBLISH: '0',
      ...o.agentEnv,
    },
  };
}
