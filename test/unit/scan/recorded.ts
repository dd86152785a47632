import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { available, unavailable, type FilesystemFacts, type ScanData } from '../../../activities/scan/scan-data';

const DIR = path.join(__dirname, '../../fixtures/scan/recorded');
const load = <T>(file: string): T => JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as T;

/** Inspect data recorded from real containers (see test/fixtures/scan/recorded/):
 *  loose — dockhand-fixture-app:v1 run with --cap-add SYS_ADMIN,NET_ADMIN,CHOWN -v /etc:/host-etc
 *  -v /var/run/docker.sock:… --pid host --ipc host --uts host --security-opt seccomp=unconfined
 *  --restart always --device /dev/null:/dev/xnull -p 0.0.0.0:81:8080 -p 127.0.0.1::8080;
 *  hardened — dockhand-fixture-scan:hardened run --read-only --cap-drop ALL --security-opt
 *  no-new-privileges -m 64m --cpu-shares 512 --pids-limit 64 on a user network -p 127.0.0.1::8080. */
export const recorded = {
  looseInspect: () => load<Docker.ContainerInspectInfo>('loose.inspect.json'),
  hardenedInspect: () => load<Docker.ContainerInspectInfo>('hardened.inspect.json'),
  appImage: () => ({
    inspect: load<Docker.ImageInspectInfo>('dockhand-fixture-app-v1.image.json'),
    history: load<Array<{ CreatedBy: string }>>('dockhand-fixture-app-v1.history.json'),
  }),
  hardenedImage: () => ({
    inspect: load<Docker.ImageInspectInfo>('dockhand-fixture-scan-hardened.image.json'),
    history: load<Array<{ CreatedBy: string }>>('dockhand-fixture-scan-hardened.history.json'),
  }),
};

export const emptyFilesystem = (): FilesystemFacts => ({
  setuid: [],
  worldWritable: [],
  candidates: [],
  changedModes: [],
  passwd: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  shadow: 'root:*:19000:0:99999:7:::\nnobody:!:19000::::::\n',
});

/** The hardened container's data as the collectors would produce it: everything passes. */
export function hardenedData(over: Partial<ScanData> = {}): ScanData {
  const container = recorded.hardenedInspect();
  return {
    container,
    daemon: available({ securityOptions: ['name=seccomp,profile=default'] }),
    image: available(recorded.hardenedImage()),
    processes: available([
      { pid: 100, user: 'nobody', tty: '?', comm: 'busybox', args: '/bin/busybox httpd -f -p 8080 -h /www' },
    ]),
    listeners: available([
      { proto: 'tcp6', address: '::', port: 8080 },
      { proto: 'tcp', address: '127.0.0.11', port: 40000 },
    ]),
    changes: available([]),
    filesystem: available(emptyFilesystem()),
    execs: available([]),
    baseline: available({ imageId: container.Image, processes: ['busybox'], recordedAt: '2026-01-01T00:00:00Z' }),
    ...over,
  };
}

export { available, unavailable };
