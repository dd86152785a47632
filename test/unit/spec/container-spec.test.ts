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
  it('refuses an oversized spec naming the field, before anything starts (L7)', () => {
    const big = 'x'.repeat(70 * 1024);
    expect(badSpecMessage({ image: 'a', env: { BIG: big } })).toContain(
      'spec.env: 71683 characters in all, at most 65536',
    );
    const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`V${i}`, '1']));
    expect(badSpecMessage({ image: 'a', env: many })).toContain('spec.env: 501 entries, at most 500');
    expect(
      badSpecMessage({
        image: 'a',
        secretEnv: { ...Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`S${i}`, { fromEnv: 'X' }])) },
      }),
    ).toContain('spec.secretEnv: 501 entries');
    expect(badSpecMessage({ image: 'a', labels: { note: big } })).toContain(
      'spec.labels: 71684 characters in all, at most 32768',
    );
    expect(badSpecMessage({ image: 'a', command: ['sh', '-c', big] })).toContain(
      'spec.command: at most 32768 characters in all',
    );
    expect(badSpecMessage({ image: 'a', entrypoint: Array.from({ length: 501 }, () => 'a') })).toContain(
      'spec.entrypoint: at most 500 arguments',
    );
    expect(badSpecMessage({ image: 'a', healthcheck: { test: big } })).toContain('spec.healthcheck.test');
    expect(
      badSpecMessage({ image: 'a', ports: Array.from({ length: 101 }, (_, i) => ({ container: i + 1 })) }),
    ).toContain('spec.ports: at most 100 items');
    expect(badSpecMessage({ image: 'a', workingDir: `/${big}` })).toContain('spec.workingDir: at most 4096 characters');
    expect(badSpecMessage({ image: `a${'b'.repeat(2000)}` })).toContain('spec.image: at most 1024 characters');
  });
  it('accepts a large but reasonable spec at the limits', () => {
    const env = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`V${i}`, 'x'.repeat(100)]));
    const spec = validate(ContainerSpec, { image: 'a', env, command: ['sh', '-c', 'y'.repeat(32 * 1024 - 5)] }, 'spec');
    expect(Object.keys(spec.env)).toHaveLength(500);
  });
});
