import type Docker from 'dockerode';
import { ErrorType, failure } from '../../common/errors';
import { engineCall } from '../docker/engine-errors';

export interface SmokeCheckInput {
  name: string;
  network: string;
  port: number;
  path: string;
  timeoutMs?: number;
}
export interface SmokeCheckResult {
  url: string;
  status: number;
  body: string;
}

export function createSmokeActivities(docker: Docker) {
  return {
    /** GET `path` from the container's address on `network` (the address the edge will use), from
     * the host agent; returns the status (0: no answer) and the start of the body. Read-only. */
    async smokeCheck({ name, network, port, path, timeoutMs = 5000 }: SmokeCheckInput): Promise<SmokeCheckResult> {
      const info = await engineCall(`inspect container ${name}`, () => docker.getContainer(name).inspect());
      const ip = info!.NetworkSettings.Networks?.[network]?.IPAddress;
      if (!ip) throw failure(ErrorType.NotFound, `${name} has no address on network ${network}`);
      const url = `http://${ip}:${port}${path}`;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
        return { url, status: res.status, body: (await res.text()).slice(0, 1024) };
      } catch (e) {
        // No answer at all is an answer too (status 0): the workflow decides, a retry would not help.
        const { cause, message } = e as Error;
        return { url, status: 0, body: `no answer: ${cause instanceof Error ? String(cause) : message}` };
      }
    },
  };
}
