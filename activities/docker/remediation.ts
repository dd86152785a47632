import { Context } from '@temporalio/activity';
import type Docker from 'dockerode';
import { engineCall } from './engine-errors';
import type { EngineEvent } from '../../common/events/engine-event';
import { createRecreateActivities } from './recreate';
import { unhealthyNowEvents } from './unhealthy-now';
import { heartbeating } from './long-running';
import { stillUnhealthy } from '../../common/remediation/restart-unhealthy';

/** What remediation decides on: health, start period and memory of one container. */
export interface ContainerCondition {
  name: string;
  id: string;
  running: boolean;
  status: string;
  /** Docker's health status ("starting", "healthy", "unhealthy"); absent without a health check. */
  health?: string;
  failingStreak: number;
  startedAtMs: number;
  startPeriodMs: number;
  oomKilled: boolean;
  exitCode: number;
  /** HostConfig.Memory in bytes (0 = no limit). */
  memoryBytes: number;
  /** HostConfig.MemorySwap: memory plus swap in bytes (-1 unlimited, 0 not set). */
  memorySwapBytes: number;
  networks: string[];
}

/** restartIfUnhealthy's heartbeat: when (engine host's clock) it issued the restart. */
interface RestartProgress {
  restartIssuedAt: number;
}

// The Docker operations only remediation needs (condition, quarantine, memory limits, the sweep's
// unhealthy list); restart and stop are the container activities. Each is idempotent and says so.
export function createRemediationActivities(docker: Docker) {
  const activities = {
    /** Reads a container's condition; null when it is gone (nothing left to remediate). Read-only. */
    async containerCondition({ name }: { name: string }): Promise<ContainerCondition | null> {
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect(), [404]);
      if (!info) return null;
      const health = (info.State as { Health?: { Status: string; FailingStreak: number } }).Health;
      const startPeriodNs = (info.Config as { Healthcheck?: { StartPeriod?: number } }).Healthcheck?.StartPeriod ?? 0;
      return {
        name: info.Name.replace(/^\//, ''),
        id: info.Id,
        running: info.State.Running,
        status: info.State.Status,
        ...(health ? { health: health.Status } : {}),
        failingStreak: health?.FailingStreak ?? 0,
        startedAtMs: Date.parse(info.State.StartedAt),
        startPeriodMs: Math.round(startPeriodNs / 1e6),
        oomKilled: info.State.OOMKilled,
        exitCode: info.State.ExitCode,
        memoryBytes: info.HostConfig.Memory ?? 0,
        memorySwapBytes: info.HostConfig.MemorySwap ?? 0,
        networks: Object.keys(info.NetworkSettings.Networks ?? {}),
      };
    },

    /** Restarts a container only while it is still unhealthy (running, past its start period): the look
     * and the restart in one round trip, on the way from an unhealthy event to its restart. Twice: a
     * restarted container reports "starting", so a retry does not restart it again — and when the earlier
     * attempt's restart went through before its agent died (the container started after that attempt issued
     * it, per its heartbeat), the retry says so, so the outcome counts the restart that happened. */
    async restartIfUnhealthy({ name, timeoutS }: { name: string; timeoutS: number }): Promise<{ restarted: boolean }> {
      const condition = await activities.containerCondition({ name });
      const issuedBefore = (Context.current().info.heartbeatDetails as RestartProgress | undefined)?.restartIssuedAt;
      if (condition && issuedBefore !== undefined && condition.startedAtMs >= issuedBefore) return { restarted: true };
      if (!stillUnhealthy(condition, Date.now())) return { restarted: false };
      const progress: RestartProgress = { restartIssuedAt: Date.now() };
      await heartbeating(
        (abortSignal) =>
          engineCall(`restart container ${name}`, () =>
            docker.getContainer(name).restart({ t: timeoutS, abortSignal }),
          ),
        () => progress,
      );
      return { restarted: true };
    },

    /** Disconnects a container from every network it is on (quarantine that keeps it for inspection).
     * Twice: already disconnected networks are skipped. */
    async disconnectNetworks({ name }: { name: string }): Promise<{ disconnected: string[] }> {
      const info = (await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect()))!;
      const networks = Object.keys(info.NetworkSettings.Networks ?? {});
      for (const n of networks) {
        // 404: the network went away meanwhile; 500 "is not connected" is Docker's answer to a second disconnect.
        await engineCall(
          `disconnect ${name} from ${n}`,
          () => docker.getNetwork(n).disconnect({ Container: info.Id, Force: true }),
          [404],
        ).catch((e: Error) => {
          if (!/is not connected/.test(e.message)) throw e;
        });
      }
      return { disconnected: networks };
    },

    /** Sets the memory and swap limits live (`docker update`; the container keeps running). Twice:
     * sets the same values again. Superseded by updateContainer (patch memory-via-update-container):
     * kept for memoryPressure runs that scheduled it before; remove with deprecatePatch. */
    async updateMemory({
      name,
      memoryBytes,
      memorySwapBytes,
    }: {
      name: string;
      memoryBytes: number;
      memorySwapBytes: number;
    }): Promise<void> {
      await engineCall(`update memory of ${name}`, () =>
        docker.getContainer(name).update({ Memory: memoryBytes, MemorySwap: memorySwapBytes }),
      );
    },

    ...createRecreateActivities(docker),

    /** Every container the engine marks unhealthy now, as the event its health check would have sent
     * (the same events the host agent publishes when it reconnects). Read-only. */
    async unhealthyContainers({ host }: { host: string }): Promise<EngineEvent[]> {
      return unhealthyNowEvents(docker, host);
    },
  };
  return activities;
}
export type RemediationActivities = ReturnType<typeof createRemediationActivities>;
