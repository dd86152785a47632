import { describe, expect, it } from 'vitest';
import { healthCheckCommand } from '../../../activities/docker/health-check-now';

describe('healthCheckCommand: what Docker runs for a declared check', () => {
  it('CMD runs its arguments as they are', () => {
    expect(healthCheckCommand({ Test: ['CMD', '/bin/busybox', 'wget', '-q', 'http://127.0.0.1/'] })).toEqual([
      '/bin/busybox',
      'wget',
      '-q',
      'http://127.0.0.1/',
    ]);
  });

  it("CMD-SHELL runs through the container's shell, /bin/sh -c when it declares none", () => {
    expect(healthCheckCommand({ Test: ['CMD-SHELL', 'curl -f localhost || exit 1'] })).toEqual([
      '/bin/sh',
      '-c',
      'curl -f localhost || exit 1',
    ]);
    expect(healthCheckCommand({ Test: ['CMD-SHELL', 'true'] }, ['/bin/busybox', 'sh', '-c'])).toEqual([
      '/bin/busybox',
      'sh',
      '-c',
      'true',
    ]);
  });

  it('no check: NONE, an empty test, nothing declared', () => {
    expect(healthCheckCommand({ Test: ['NONE'] })).toBeUndefined();
    expect(healthCheckCommand({ Test: ['CMD'] })).toBeUndefined();
    expect(healthCheckCommand({})).toBeUndefined();
    expect(healthCheckCommand(undefined)).toBeUndefined();
  });
});
