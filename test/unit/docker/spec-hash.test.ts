import { describe, expect, it } from 'vitest';
import { ContainerSpec } from '../../../common/spec/container-spec';
import { toCreateBody } from '../../../activities/docker/create-body';
import { createHash } from 'node:crypto';
import { specHash, useSpecHashKey } from '../../../activities/docker/spec-hash';
import { canonicalJson } from '../../../activities/docker/canonical-json';

const IMAGE_ID = 'sha256:' + '1'.repeat(64);
const body = (input: object, name = 'web', env: Record<string, string> = {}) =>
  toCreateBody(ContainerSpec.parse(input), name, { 'dockhand.service': 'web' }, env);

describe('specHash', () => {
  it('is stable under key order', () => {
    const a = body({ image: 'app:v1', env: { A: '1', B: '2' }, labels: { x: '1', y: '2' } }, 'web', { A: '1', B: '2' });
    const b = body({ labels: { y: '2', x: '1' }, env: { B: '2', A: '1' }, image: 'app:v1' }, 'web', { B: '2', A: '1' });
    expect(specHash(a, IMAGE_ID)).toBe(specHash(b, IMAGE_ID));
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
  it('ignores the container name (blue and green with one spec hash alike)', () => {
    expect(specHash(body({ image: 'app:v1' }, 'web-blue'), IMAGE_ID)).toBe(
      specHash(body({ image: 'app:v1' }, 'web-green'), IMAGE_ID),
    );
  });
  it('changes with anything the engine would run differently', () => {
    const base = specHash(body({ image: 'app:v1' }), IMAGE_ID);
    expect(specHash(body({ image: 'app:v1' }), 'sha256:' + '2'.repeat(64))).not.toBe(base); // same tag, new image
    expect(specHash(body({ image: 'app:v1', init: true }), IMAGE_ID)).not.toBe(base);
    expect(specHash(body({ image: 'app:v1', ports: [{ container: 80 }] }), IMAGE_ID)).not.toBe(base);
    expect(specHash(body({ image: 'app:v1' }, 'web', { SECRET: 'a' }), IMAGE_ID)).not.toBe(
      specHash(body({ image: 'app:v1' }, 'web', { SECRET: 'b' }), IMAGE_ID),
    );
  });
  it('leaves its own label out of what it hashes', () => {
    const b = body({ image: 'app:v1' });
    const h = specHash(b, IMAGE_ID);
    expect(specHash({ ...b, Labels: { ...b.Labels, 'dockhand.spec-hash': h } }, IMAGE_ID)).toBe(h);
  });
});

describe('toCreateBody', () => {
  it('maps a spec to the engine create body', () => {
    const b = body(
      {
        image: 'app:v1',
        command: ['httpd', '-f'],
        entrypoint: [],
        init: true,
        user: 'nobody',
        healthcheck: { test: 'wget -q localhost', interval: '1s', retries: 3 },
        ports: [
          { container: 8080, hostIp: '127.0.0.1' },
          { container: 53, host: 5353, protocol: 'udp' },
        ],
        network: 'appnet',
        networkAliases: ['web'],
        restart: { policy: 'on-failure', maxRetries: 3 },
        stopSignal: 'SIGQUIT',
        stopTimeout: 5,
      },
      'web-1',
      { B: '2', A: '1' },
    );
    expect(b).toEqual({
      name: 'web-1',
      Image: 'app:v1',
      Cmd: ['httpd', '-f'],
      Entrypoint: [],
      Env: ['A=1', 'B=2'],
      WorkingDir: undefined,
      User: 'nobody',
      Labels: { 'dockhand.service': 'web' },
      ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
      StopSignal: 'SIGQUIT',
      StopTimeout: 5,
      Healthcheck: {
        Test: ['CMD-SHELL', 'wget -q localhost'],
        Interval: 1_000_000_000,
        Timeout: undefined,
        StartPeriod: undefined,
        Retries: 3,
      },
      HostConfig: {
        Init: true,
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
        PortBindings: {
          '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
          '53/udp': [{ HostIp: '', HostPort: '5353' }],
        },
        NetworkMode: 'appnet',
      },
      NetworkingConfig: { EndpointsConfig: { appnet: { Aliases: ['web'] } } },
    });
  });
  it('joins no user network for the built-in modes', () => {
    for (const network of ['bridge', 'host', 'none', 'container:db']) {
      const b = body({ image: 'app:v1', network });
      expect(b.HostConfig?.NetworkMode).toBe(network);
      expect(b.NetworkingConfig).toBeUndefined();
    }
  });
});

describe('specHash over secret values', () => {
  const withSecret = (value: string) =>
    toCreateBody(
      ContainerSpec.parse({ image: 'app:v1' }),
      'web',
      { 'dockhand.service': 'web', 'dockhand.secret-env': 'DB_PASSWORD' },
      { DB_PASSWORD: value, PORT: '80' },
    );
  const plainSha = (b: ReturnType<typeof withSecret>) => {
    const { name: _n, ...rest } = b;
    return createHash('sha256')
      .update(canonicalJson({ ...rest, Image: IMAGE_ID }))
      .digest('hex')
      .slice(0, 24);
  };

  it('is keyed: the same secret hashes alike under one agent key, differently under another, and is not the plain hash', () => {
    useSpecHashKey(Buffer.alloc(32, 1));
    const a = specHash(withSecret('hunter2'), IMAGE_ID);
    expect(specHash(withSecret('hunter2'), IMAGE_ID)).toBe(a);
    expect(specHash(withSecret('hunter3'), IMAGE_ID)).not.toBe(a);
    // Without the key, a guess of the secret cannot be checked against the label.
    expect(a).not.toBe(plainSha(withSecret('hunter2')));
    useSpecHashKey(Buffer.alloc(32, 2));
    expect(specHash(withSecret('hunter2'), IMAGE_ID)).not.toBe(a);
  });

  it('leaves specs without secrets as they hashed before (no redeploy of unchanged services)', () => {
    const b = body({ image: 'app:v1' }, 'web', { PORT: '80' });
    expect(specHash(b, IMAGE_ID)).toBe(plainSha(b));
  });

  it('refuses a short key', () => {
    expect(() => useSpecHashKey(Buffer.alloc(8))).toThrow('the spec hash key must be at least 16 bytes');
  });
});
