/**
 * The host agent's answer to "are you there?": a fleet change that waits (for an approval, a bake, a
 * commit) probes every host with it, on the host's own queue. It touches no Docker Engine: what it
 * proves is that an agent picks up work from the queue — the host-loss bound is that pickup.
 */
export function createAgentPresenceActivities(hostId: string) {
  return {
    pingAgent(): Promise<{ host: string; at: string }> {
      return Promise.resolve({ host: hostId, at: new Date().toISOString() });
    },
  };
}
