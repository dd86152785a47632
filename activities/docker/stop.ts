import type Docker from 'dockerode';
import { engineCall } from './engine-errors';

export function createStopActivities(docker: Docker) {
  return {
    /** Stops a container, leaving it in place (SIGKILL after `timeoutS`). Twice: "already stopped"
     * (304) is success. */
    async stopContainer({ name, timeoutS = 10 }: { name: string; timeoutS?: number }): Promise<{ stopped: boolean }> {
      const done = await engineCall(`stop container ${name}`, () => docker.getContainer(name).stop({ t: timeoutS }).then(() => true), [304]);
      return { stopped: done === true };
    },
  };
}
