import type Docker from 'dockerode';
import { engineCall } from './engine-errors';

export interface EnsureNetworkInput { name: string; labels: Record<string, string> }
export interface EnsureNetworkResult { id: string; created: boolean }

export function createNetworkActivities(docker: Docker) {
  return {
    /** Makes sure a user-defined bridge network exists. Twice: the second run finds it and creates nothing. */
    async ensureNetwork({ name, labels }: EnsureNetworkInput): Promise<EnsureNetworkResult> {
      const existing = await engineCall(`inspect network ${name}`, () => docker.getNetwork(name).inspect(), [404]);
      if (existing) return { id: existing.Id, created: false };
      // 409: another run created it between our inspect and create — the wanted state holds.
      const created = await engineCall(
        `create network ${name}`,
        () => docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true }),
        [409],
      );
      if (created) return { id: created.id, created: true };
      const raced = await engineCall(`inspect network ${name}`, () => docker.getNetwork(name).inspect());
      return { id: raced!.Id, created: false };
    },
  };
}
