import type Docker from 'dockerode';
import { docker, removeContainersLabelled } from './docker';

/** Label on every container the scan tests start, so a scan can be narrowed to one test file's. */
export const SCAN_TEST_LABEL = 'dockhand.test.scan';

/** How the hardened fixture runs: every runtime check passes. */
export function hardenedConfig(
  name: string,
  network: string,
  suffix: string,
  image = 'dockhand-fixture-scan:hardened',
): Docker.ContainerCreateOptions {
  return {
    name,
    Image: image,
    Labels: { [SCAN_TEST_LABEL]: suffix },
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: {
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Memory: 64 * 1024 * 1024,
      CpuShares: 512,
      PidsLimit: 64,
      NetworkMode: network,
      PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    },
  };
}

const HTTPD = '/bin/busybox httpd -f -p 8080 -h /www';

/** One fixture container per known problem: what it changes from the hardened config, and exactly
 * which checks must fail on it. */
export function scanFixtures(
  suffix: string,
  network: string,
): Array<{ name: string; expected: string[]; config: Docker.ContainerCreateOptions }> {
  const base = (kind: string, image?: string) => hardenedConfig(`dh-scan-${kind}-${suffix}`, network, suffix, image);
  const withHost = (
    c: Docker.ContainerCreateOptions,
    hostConfig: Docker.HostConfig,
    extra: Partial<Docker.ContainerCreateOptions> = {},
  ) => ({ ...c, ...extra, HostConfig: { ...c.HostConfig, ...hostConfig } });
  return [
    { name: `dh-scan-hardened-${suffix}`, expected: [], config: base('hardened') },
    {
      name: `dh-scan-privileged-${suffix}`,
      expected: ['CIS-5.5'],
      config: withHost(base('privileged'), { Privileged: true }),
    },
    {
      name: `dh-scan-sock-${suffix}`,
      expected: ['CIS-5.32'],
      config: withHost(base('sock'), { Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro'] }),
    },
    { name: `dh-scan-root-${suffix}`, expected: ['CIS-4.1'], config: { ...base('root'), User: '0' } },
    {
      name: `dh-scan-key-${suffix}`,
      expected: ['DH-FS-PRIVATE-KEY'],
      config: base('key', 'dockhand-fixture-scan:key'),
    },
    { name: `dh-scan-setuid-${suffix}`, expected: ['CIS-4.8'], config: base('setuid', 'dockhand-fixture-scan:setuid') },
    {
      name: `dh-scan-nc-${suffix}`,
      expected: ['DH-RT-NETWORK-TOOL', 'DH-RT-LISTEN'],
      config: { ...base('nc'), Cmd: ['/bin/sh', '-c', `nc -l -p 4444 & exec ${HTTPD}`] },
    },
    {
      name: `dh-scan-etc-${suffix}`,
      // Writing /etc needs root and a writable root filesystem: both are findings of their own.
      expected: ['CIS-5.13', 'CIS-4.1', 'DH-RT-SYSTEM-CHANGE'],
      config: withHost(
        { ...base('etc'), User: '0', Cmd: ['/bin/sh', '-c', `echo tampered >/etc/motd && exec ${HTTPD}`] },
        { ReadonlyRootfs: false },
      ),
    },
    {
      name: `dh-scan-public-${suffix}`,
      expected: ['CIS-5.14'],
      config: withHost(base('public'), { PortBindings: { '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '' }] } }),
    },
  ];
}

export async function startContainer(config: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  const c = await docker.createContainer(config);
  await c.start();
  return c;
}

export async function removeLabelled(suffix: string): Promise<void> {
  await removeContainersLabelled(`${SCAN_TEST_LABEL}=${suffix}`);
}
