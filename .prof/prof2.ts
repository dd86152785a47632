import Docker from 'dockerode';
import { collectScanData } from '../activities/scan/collect';
import { ImageCache } from '../activities/scan/image-cache';
import { RULES } from '../activities/scan/rules';
import { neededSources } from '../activities/scan/evaluate';
import { available } from '../activities/scan/scan-data';
import { mapBounded } from '../workflows/lib/bounded';
const docker = new Docker();
const N = 24;
async function main() {
  const names = Array.from({ length: N }, (_, i) => `dh-s2scan-prof-${i}`);
  await Promise.all(names.map(async (n) => (await docker.createContainer({ name: n, Image: 'dockhand-fixture-app:v1', Healthcheck: { Test: ['NONE'] }, HostConfig: { Init: true } })).start()));
  try {
    const needs = neededSources(RULES);
    for (const conc of [8, 4, 2, 8]) {
      const cache = { image: new ImageCache<any>(8), imageFilesystem: new ImageCache<any>(8) };
      const t0 = performance.now();
      await mapBounded(names, conc, (n) => collectScanData(docker, n, { needs, daemon: available({ securityOptions: [] }), cache }));
      const all = performance.now() - t0;
      // the calls alone, same concurrency
      const t1 = performance.now();
      await mapBounded(names, conc, async (n) => docker.getContainer(n).top({ ps_args: '-o pid,user,tty,comm,args' }));
      const top = performance.now() - t1;
      const t2 = performance.now();
      await mapBounded(names, conc, async (n) => docker.getContainer(n).changes());
      const diff = performance.now() - t2;
      const t3 = performance.now();
      await mapBounded(names, conc, async (n) => docker.getContainer(n).inspect());
      const insp = performance.now() - t3;
      console.log(JSON.stringify({ conc, collect_ms_per_container: +(all / N).toFixed(1), top_ms: +(top / N).toFixed(1), diff_ms: +(diff / N).toFixed(1), inspect_ms: +(insp / N).toFixed(1) }));
    }
  } finally { await Promise.all(names.map((n) => docker.getContainer(n).remove({ force: true }))); }
}
main();
