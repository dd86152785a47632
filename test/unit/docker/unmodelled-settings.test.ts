import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { unmodelledSettings } from '../../../activities/docker/unmodelled-settings';

/** An inspect of a plain container (the Engine's defaults everywhere) with `hostConfig` over it. */
const inspected = (hostConfig: Record<string, unknown>) =>
  ({
    Id: 'a'.repeat(64),
    Config: { Hostname: 'aaaaaaaaaaaa' },
    HostConfig: { ShmSize: 64 * 1024 * 1024, IpcMode: 'private', ...hostConfig },
  }) as unknown as Docker.ContainerInspectInfo;

describe('unmodelledSettings: the runtime', () => {
  it("is the Engine's own default on an engine whose default is crun: nothing a copy would lose", () => {
    expect(unmodelledSettings(inspected({ Runtime: 'crun' }), 'crun')).toEqual([]);
    expect(unmodelledSettings(inspected({ Runtime: 'runc' }), 'runc')).toEqual([]);
  });

  it('is named when the container asked for another one than the default (a copy would get the default)', () => {
    expect(unmodelledSettings(inspected({ Runtime: 'runc' }), 'crun')).toEqual(['HostConfig.Runtime ("runc")']);
    expect(unmodelledSettings(inspected({ Runtime: 'nvidia' }), 'runc')).toEqual(['HostConfig.Runtime ("nvidia")']);
  });
});
