import Docker from 'dockerode';
import { isDeepStrictEqual } from 'node:util';
import { collectScanData } from '../activities/scan/collect';
import { ImageCache } from '../activities/scan/image-cache';
import { RULES } from '../activities/scan/rules';
import { evaluate, neededSources } from '../activities/scan/evaluate';
import { available } from '../activities/scan/scan-data';
const docker = new Docker();
async function main() {
  const specs = [
    { name: 'dh-s2scan-eq-0', HostConfig: { Init: true } },
    { name: 'dh-s2scan-eq-1', HostConfig: { Init: true } },
    { name: 'dh-s2scan-eq-2', HostConfig: { Init: true, Tmpfs: { '/var/cache/x': '' } } },
    { name: 'dh-s2scan-eq-3', HostConfig: { Init: true, Tmpfs: { '/var/cache/x': '' } } },
    { name: 'dh-s2scan-eq-4', HostConfig: {} },
    { name: 'dh-s2scan-eq-5', HostConfig: {} },
  ];
  await Promise.all(specs.map(async (s) => (await docker.createContainer({ name: s.name, Image: 'dockhand-fixture-app:v1', Healthcheck: { Test: ['NONE'] }, HostConfig: s.HostConfig })).start()));
  try {
    const needs = neededSources(RULES);
    const cache = { image: new ImageCache<any>(8), imageFilesystem: new ImageCache<any>(8) };
    const o = { needs, daemon: available({ securityOptions: [] }) };
    for (const s of specs) {
      const cached = await collectScanData(docker, s.name, { ...o, cache });
      const alone = await collectScanData(docker, s.name, o);
      const a = evaluate(cached, RULES); const b = evaluate(alone, RULES);
      console.log(s.name, 'diff', JSON.stringify(alone.changes), 'same facts', isDeepStrictEqual(cached.filesystem, alone.filesystem), 'same findings', isDeepStrictEqual(a, b), a.findings.map((f) => f.ruleId).join(','));
    }
    console.log('cache entries', cache.imageFilesystem.size);
  } finally { await Promise.all(specs.map((s) => docker.getContainer(s.name).remove({ force: true }))); }
}
main();
