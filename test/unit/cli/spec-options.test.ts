import { describe, expect, it } from 'vitest';
import { validate } from '../../../common/spec/validate';
import { ContainerSpec } from '../../../common/spec/container-spec';
import { parsePort, specFromOptions } from '../../../cli/lib/spec-options';

describe('CLI flags → container spec', () => {
  it('maps docker-run-style flags onto the spec, which the schema then accepts', () => {
    const input = specFromOptions({
      image: 'app:v2',
      env: ['A=1', 'B=x=y'],
      network: 'net',
      init: true,
      port: ['127.0.0.1:8080:80'],
      healthCmd: 'wget -q -O /dev/null http://127.0.0.1/health',
      healthInterval: '2s',
      healthRetries: 3,
      memory: '256m',
      cpus: '0.5',
      user: '1000:1000',
    });
    expect(input).toEqual({
      image: 'app:v2',
      env: { A: '1', B: 'x=y' },
      network: 'net',
      init: true,
      ports: [{ hostIp: '127.0.0.1', host: 8080, container: 80, protocol: 'tcp' }],
      healthcheck: { test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1/health'], interval: '2s', retries: 3 },
      resources: { memory: '256m', cpus: '0.5' },
      user: '1000:1000',
    });
    const spec = validate(ContainerSpec, input, 'spec');
    expect(spec.healthcheck).toEqual({
      test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1/health'],
      interval: 2000,
      retries: 3,
    });
    expect(spec.resources).toMatchObject({ memory: 256 * 1024 * 1024, cpus: 0.5 });
  });

  it('names the flag that is wrong', () => {
    expect(() => specFromOptions({ image: 'a', env: ['=1'] })).toThrow('--env "=1": expected NAME=value');
    expect(() => specFromOptions({ image: 'a', healthRetries: 2 })).toThrow('need --health-cmd');
    expect(() => parsePort('80:abc')).toThrow('--port "80:abc"');
  });
});
