import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { ContainerSpec } from '../../../common/spec/container-spec';
import { validate } from '../../../common/spec/validate';
import { ErrorType } from '../../../common/errors';

function badSpecMessage(input: unknown): string {
  try {
    validate(ContainerSpec, input, 'spec');
  } catch (e) {
    expect(e).toBeInstanceOf(ApplicationFailure);
    expect((e as ApplicationFailure).type).toBe(ErrorType.BadSpec);
    expect((e as ApplicationFailure).nonRetryable).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected the spec to be refused');
}

describe('ContainerSpec', () => {
  it('fills defaults and parses units', () => {
    const spec = validate(
      ContainerSpec,
      { image: 'app:v1', healthcheck: { test: 'wget -q localhost', interval: '2s', timeout: 500 } },
      'spec',
    );
    expect(spec).toEqual({
      image: 'app:v1',
      env: {},
      secretEnv: {},
      labels: {},
      ports: [],
      networkAliases: [],
      healthcheck: { test: 'wget -q localhost', interval: 2000, timeout: 500 },
    });
  });
  it('parses its own output to the same value (CLI and workflow validate alike)', () => {
    const once = validate(
      ContainerSpec,
      {
        image: 'app:v1',
        ports: [{ container: 80, hostIp: '127.0.0.1' }],
        healthcheck: { test: ['CMD', 'true'], startPeriod: '1m' },
      },
      'spec',
    );
    expect(validate(ContainerSpec, once, 'spec')).toEqual(once);
  });
  it('accepts registry hosts, paths and digests in image references', () => {
    for (const image of [
      'nginx',
      'nginx:1.27-alpine',
      'registry.local:5000/team/app:v2',
      `app@sha256:${'a'.repeat(64)}`,
    ]) {
      expect(validate(ContainerSpec, { image }, 'spec').image).toBe(image);
    }
  });
  it('names each bad field', () => {
    expect(badSpecMessage({ image: 'Bad Image!' })).toContain('spec.image: not an image reference');
    expect(badSpecMessage({ image: 'a', ports: [{ container: 'http' }] })).toContain('spec.ports.0.container');
    expect(badSpecMessage({ image: 'a', env: { '1BAD': 'x' } })).toContain('spec.env');
    expect(badSpecMessage({ image: 'a', healthcheck: { test: 'true', interval: 'often' } })).toContain(
      'spec.healthcheck.interval: "often" is not a duration',
    );
    expect(badSpecMessage({ image: 'a', labels: { 'dockhand.service': 'x' } })).toContain(
      'spec.labels: labels starting with "dockhand." are Dockhand\'s own',
    );
  });
  it('refuses unknown keys (a typo never passes silently)', () => {
    expect(badSpecMessage({ image: 'a', enviroment: {} })).toContain('enviroment');
  });
  it('refuses a missing image', () => {
    expect(badSpecMessage({})).toContain('spec.image');
  });
});
