import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runtimeFlags, runtimeLauncher, testHostRuntime } from '../../../cli/lib/engine-runtime';

const saved = process.env.DOCKHAND_TEST_HOST_RUNTIME;
afterEach(() => {
  if (saved === undefined) delete process.env.DOCKHAND_TEST_HOST_RUNTIME;
  else process.env.DOCKHAND_TEST_HOST_RUNTIME = saved;
});

describe("the test hosts' runtime", () => {
  it('refuses a value that is neither crun nor runc, naming it', () => {
    process.env.DOCKHAND_TEST_HOST_RUNTIME = 'kata';
    expect(() => testHostRuntime()).toThrow('DOCKHAND_TEST_HOST_RUNTIME="kata" is not crun or runc');
  });

  it('is runc when asked, with no flags and no launcher: Docker as it comes', () => {
    process.env.DOCKHAND_TEST_HOST_RUNTIME = 'runc';
    expect(testHostRuntime()).toBe('runc');
    expect(runtimeFlags('runc')).toEqual([]);
    expect(runtimeLauncher('runc')).toEqual([]);
  });

  it('is crun by default where crun is installed, runc where it is not', () => {
    delete process.env.DOCKHAND_TEST_HOST_RUNTIME;
    expect(testHostRuntime()).toBe(existsSync('/usr/bin/crun') ? 'crun' : 'runc');
  });

  it('crun: the default runtime of the engine, started in a mount namespace without the hybrid cgroup2 mount', () => {
    expect(runtimeFlags('crun')).toEqual(['--add-runtime', 'crun=/usr/bin/crun', '--default-runtime', 'crun']);
    const launcher = runtimeLauncher('crun');
    expect(launcher.slice(0, 4)).toEqual(['unshare', '--mount', '--propagation', 'private']);
    expect(launcher.join(' ')).toContain('umount /sys/fs/cgroup/unified');
  });
});
