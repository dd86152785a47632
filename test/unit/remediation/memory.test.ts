import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { recreateBody } from '../../../activities/docker/recreate';
import { engineEventJobId } from '../../../common/events/engine-event';
import { memoryChangeOf, planMemoryChange, raisedLimits } from '../../../common/remediation/memory-pressure';
import { memoryPressureEvent } from '../../../common/remediation/memory-sample';

const MiB = 1024 * 1024;
const policy = { factor: 2, ceiling: 64 * MiB };

describe('raisedLimits', () => {
  it('keeps the same swap on top, no swap stays none, unlimited stays unlimited', () => {
    expect(raisedLimits({ memory: 16 * MiB, memorySwap: 24 * MiB }, 32 * MiB)).toEqual({
      memory: 32 * MiB,
      memorySwap: 40 * MiB,
    });
    expect(raisedLimits({ memory: 16 * MiB, memorySwap: 16 * MiB }, 32 * MiB)).toEqual({
      memory: 32 * MiB,
      memorySwap: 32 * MiB,
    });
    expect(raisedLimits({ memory: 16 * MiB, memorySwap: -1 }, 32 * MiB)).toEqual({ memory: 32 * MiB, memorySwap: -1 });
    expect(raisedLimits({ memory: 16 * MiB, memorySwap: 0 }, 32 * MiB)).toEqual({ memory: 32 * MiB, memorySwap: 0 });
  });
});

describe('planMemoryChange', () => {
  const c = { memoryBytes: 16 * MiB, memorySwapBytes: 16 * MiB, running: true, oomKilled: false, startedAtMs: 5_000 };
  it('raises live while running, recreates after an OOM kill, leaves other stops alone', () => {
    expect(planMemoryChange(c, policy)).toEqual({
      action: 'live-update',
      limits: { memory: 32 * MiB, memorySwap: 32 * MiB },
      reason: 'memory pressure: raised live, the container keeps running',
    });
    expect(planMemoryChange({ ...c, running: false, oomKilled: true }, policy)).toEqual({
      action: 'recreate',
      limits: { memory: 32 * MiB, memorySwap: 32 * MiB },
      reason: 'OOM-killed: recreated with more memory',
    });
    expect(planMemoryChange({ ...c, running: false }, policy)).toEqual({
      action: 'none',
      reason: 'the container is stopped, and not by the OOM killer',
    });
  });
  it("ignores an oom event older than the container's start (about the run it replaced)", () => {
    expect(planMemoryChange(c, policy, 4_999)).toEqual({
      action: 'none',
      reason: "the oom event is older than the container's start (a repeated or stale event)",
    });
    expect(planMemoryChange({ ...c, running: false, oomKilled: true }, policy, 6_000)).toMatchObject({
      action: 'recreate',
    });
  });
  it('tells a stale oom by its container id when known: a kill in the first milliseconds (before the recorded start) counts', () => {
    const killed = { ...c, id: 'c1', running: false, oomKilled: true };
    expect(planMemoryChange(killed, policy, 4_999, 'c1')).toMatchObject({ action: 'recreate' });
    expect(planMemoryChange({ ...killed, id: 'c2' }, policy, 6_000, 'c1')).toEqual({
      action: 'none',
      reason: "the oom event is older than the container's start (a repeated or stale event)",
    });
  });
  it('caps at the ceiling, and at the ceiling notifies', () => {
    expect(planMemoryChange({ ...c, memoryBytes: 48 * MiB, memorySwapBytes: 48 * MiB }, policy)).toMatchObject({
      action: 'live-update',
      limits: { memory: 64 * MiB, memorySwap: 64 * MiB },
    });
    expect(planMemoryChange({ ...c, memoryBytes: 64 * MiB }, policy)).toEqual({
      action: 'notify',
      reason: `memory limit ${64 * MiB} is at the ceiling ${64 * MiB}`,
    });
    expect(planMemoryChange({ ...c, memoryBytes: 0 }, policy)).toEqual({
      action: 'none',
      reason: 'the container has no memory limit',
    });
  });
});

describe('memoryPressureEvent', () => {
  const c = { id: 'a'.repeat(64), name: 'app', labels: { 'dockhand.autoscale': 'true' } };
  it('is an event at or above the threshold of the limit, none below it or without a limit', () => {
    expect(memoryPressureEvent('h1', c, { usageBytes: 9 * MiB, limitBytes: 10 * MiB }, 90, 1_000)).toEqual({
      source: 'stats',
      host: 'h1',
      type: 'container',
      action: 'memory_pressure',
      id: c.id,
      name: 'app',
      labels: c.labels,
      memory: { usageBytes: 9 * MiB, limitBytes: 10 * MiB },
      timeNano: '1000000000',
    });
    expect(memoryPressureEvent('h1', c, { usageBytes: 9 * MiB - 1, limitBytes: 10 * MiB }, 90, 1_000)).toBeUndefined();
    expect(memoryPressureEvent('h1', c, { usageBytes: 9 * MiB, limitBytes: 0 }, 90, 1_000)).toBeUndefined();
  });
  it('has one job id per container and limit, whatever the time', () => {
    const at = (ms: number, limit: number) =>
      engineEventJobId(memoryPressureEvent('h1', c, { usageBytes: limit, limitBytes: limit }, 90, ms)!);
    expect(at(1_000, 10)).toBe(`stats-h1-${'a'.repeat(12)}-10`);
    expect(at(2_000, 10)).toBe(at(1_000, 10));
    expect(at(2_000, 20)).not.toBe(at(1_000, 10));
  });
});

describe('recreateBody', () => {
  const info = {
    Id: 'abcdef1234567890',
    Config: { Hostname: 'abcdef123456', Image: 'app:v1', Cmd: ['run'], Env: ['A=1'], Labels: { x: 'y' } },
    HostConfig: { NetworkMode: 'web-net', Memory: 16 * MiB, MemorySwap: 16 * MiB, Init: true },
    NetworkSettings: {
      Networks: {
        'web-net': { Aliases: ['abcdef123456', 'app'], IPAMConfig: null },
        other: { Aliases: null, IPAMConfig: null },
      },
    },
  } as unknown as Docker.ContainerInspectInfo;
  it('copies config and host config with the new limits, on the primary network; the rest are connected after', () => {
    expect(recreateBody(info, 'app-recreate', { memory: 32 * MiB, memorySwap: 32 * MiB })).toEqual({
      body: {
        Image: 'app:v1',
        Cmd: ['run'],
        Env: ['A=1'],
        name: 'app-recreate',
        Labels: { x: 'y', 'dockhand.recreated-from': 'abcdef1234567890' },
        HostConfig: { NetworkMode: 'web-net', Memory: 32 * MiB, MemorySwap: 32 * MiB, Init: true },
        NetworkingConfig: { EndpointsConfig: { 'web-net': { Aliases: ['app'] } } },
      },
      moreNetworks: [['other', { Aliases: [] }]],
    });
  });
});

describe('memoryChangeOf', () => {
  it('records a live raise and a recreate with the limits before and after', () => {
    const before = { memoryBytes: 100, memorySwapBytes: 150 };
    const limits = { memory: 200, memorySwap: 250 };
    expect(memoryChangeOf(before, { action: 'live-update', limits, reason: 'r' }, 'T')).toEqual({
      from: 100,
      to: 200,
      swapFrom: 150,
      swapTo: 250,
      how: 'live-update',
      restarted: false,
      reason: 'r',
      at: 'T',
    });
    expect(memoryChangeOf(before, { action: 'recreate', limits, reason: 'oom' }, 'T')).toMatchObject({
      how: 'recreate',
      restarted: true,
    });
  });
});
