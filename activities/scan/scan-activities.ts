import type Docker from 'dockerode';
import { heartbeat } from '@temporalio/activity';
import type { CheckSelection, ContainerFilter } from '../../common/scan/scan-input';
import type { BaselineEntry, ContainerScan, ScanTarget } from '../../common/scan/scan-result';
import { engineCall } from '../docker/engine-errors';
import { Labels } from '../../common/labels';
import { collectScanData, ContainerGone, type ScanCaches } from './collect';
import { ImageCache } from './image-cache';
import { enabledRules, evaluate, neededSources } from './evaluate';
import { available, unavailable, type Source } from './scan-data';

export interface ScanContainerInput {
  host: string;
  target: ScanTarget;
  checks: CheckSelection;
  baseline?: BaselineEntry;
}

const DAEMON_INFO_TTL_MS = 30_000;
/** Images whose reads a host agent keeps (a few hundred KB each at most: evidence, not files). */
const IMAGE_CACHE_SIZE = 64;

export function createScanActivities(docker: Docker) {
  const cache: ScanCaches = {
    image: new ImageCache(IMAGE_CACHE_SIZE),
    imageFilesystem: new ImageCache(IMAGE_CACHE_SIZE),
  };
  let daemonCache: { at: number; value: Promise<Source<{ securityOptions: string[] }>> } | undefined;
  const daemonInfo = () => {
    if (!daemonCache || Date.now() - daemonCache.at > DAEMON_INFO_TTL_MS) {
      daemonCache = {
        at: Date.now(),
        value: docker.info().then(
          (i: { SecurityOptions?: string[] }) => available({ securityOptions: i.SecurityOptions ?? [] }),
          (e: Error) => unavailable(`docker info failed: ${e.message}`),
        ),
      };
    }
    return daemonCache.value;
  };

  return {
    /** Lists the containers a scan may cover (label filters and running-only applied by the Engine).
     * Read-only: running it twice lists again. */
    async listScanTargets({
      labels,
      includeStopped,
    }: Pick<ContainerFilter, 'labels' | 'includeStopped'>): Promise<ScanTarget[]> {
      const list = await engineCall('list containers', () =>
        docker.listContainers({ all: includeStopped, filters: labels.length ? { label: labels } : {} }),
      );
      return (list ?? []).map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
        image: c.Image,
        ...(c.ImageID ? { imageId: c.ImageID } : {}),
        state: c.State,
        labels: c.Labels ?? {},
      }));
    },

    /** Collects one container's data and runs the enabled checks on it. Read-only: twice gives the
     * same findings for an unchanged container. A container removed or stopped mid-scan is reported
     * with status "gone", not thrown. Heartbeats while it walks the filesystem. */
    async scanContainer({ host, target, checks, baseline }: ScanContainerInput): Promise<ContainerScan> {
      const rules = enabledRules(checks);
      const base: ContainerScan = {
        host,
        id: target.id,
        name: target.name,
        image: target.image,
        imageId: '',
        ...(target.labels[Labels.service] ? { service: target.labels[Labels.service] } : {}),
        status: 'scanned',
        findings: [],
        notApplicable: [],
        processes: [],
      };
      try {
        const data = await collectScanData(docker, target.id, {
          needs: neededSources(rules),
          daemon: await daemonInfo(),
          baseline,
          cache,
          onProgress: (what) => heartbeat(what),
        });
        const { findings, notApplicable } = evaluate(data, rules);
        const processes = data.processes.ok ? [...new Set(data.processes.value.map((p) => p.comm))].sort() : [];
        return { ...base, imageId: data.container.Image, findings, notApplicable, processes };
      } catch (e) {
        if (e instanceof ContainerGone) return { ...base, status: 'gone', error: e.message };
        throw e;
      }
    },
  };
}
export type ScanActivities = ReturnType<typeof createScanActivities>;
