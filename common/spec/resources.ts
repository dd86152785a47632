import { z } from 'zod';
import { bytes, cpus } from './schema-helpers';

/** "0-3", "0,2", "1-2,4": the cpuset list syntax the kernel and `docker run --cpuset-cpus` read. */
const cpuset = z.string().regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'not a cpuset list (e.g. "0-1,3")');
const devicePath = z.string().startsWith('/dev/', 'must be a device path under /dev/');

/** A byte rate for one block device ("/dev/sda", "1mb" per second). */
const DeviceRate = z.strictObject({ path: devicePath, rate: bytes });
/** An I/O operations rate for one block device. */
const DeviceIops = z.strictObject({ path: devicePath, iops: z.number().int().positive() });

/** "-1" / -1 / "unlimited": no swap limit; anything else is a size (memory + swap, as Docker counts it). */
const memorySwap = z
  .union([z.literal(-1), z.literal('-1'), z.literal('unlimited'), bytes])
  .transform((v) => (v === '-1' || v === 'unlimited' ? -1 : v));

/**
 * The limits a running container can change (`docker update`); set at create time too. One table, so the
 * create-time spec and `updateContainer` cannot drift apart on a bound.
 */
const updatableLimits = {
  memory: bytes.optional(),
  memoryReservation: bytes.optional(),
  /** Memory plus swap; -1 for unlimited swap. */
  memorySwap: memorySwap.optional(),
  cpus: cpus.optional(),
  cpuShares: z.number().int().min(2).optional(),
  /** CFS period and quota in microseconds (the alternative to `cpus`). */
  cpuPeriod: z.number().int().min(1000).max(1_000_000).optional(),
  cpuQuota: z.number().int().min(1000).optional(),
  cpusetCpus: cpuset.optional(),
  cpusetMems: cpuset.optional(),
  pidsLimit: z.number().int().min(-1).optional(),
  blkioWeight: z.number().int().min(10).max(1000).optional(),
};

/** Cgroup limits, in the units `docker run` takes ("512m", "1.5" CPUs); the create body converts them. */
export const ResourcesSpec = z
  .strictObject({
    ...updatableLimits,
    memorySwappiness: z.number().int().min(0).max(100).optional(),
    oomKillDisable: z.boolean().optional(),
    deviceReadBps: z.array(DeviceRate).optional(),
    deviceWriteBps: z.array(DeviceRate).optional(),
    deviceReadIops: z.array(DeviceIops).optional(),
    deviceWriteIops: z.array(DeviceIops).optional(),
  })
  .superRefine((r, ctx) => {
    // The Engine refuses these combinations too, but only at create time and with less context.
    if (r.memorySwap !== undefined && r.memorySwap !== -1) {
      if (r.memory === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['memorySwap'],
          message: 'needs memory to be set as well (it counts memory plus swap)',
        });
      else if (r.memorySwap < r.memory)
        ctx.addIssue({
          code: 'custom',
          path: ['memorySwap'],
          message: 'must be at least memory (it counts memory plus swap)',
        });
    }
    if (r.memoryReservation !== undefined && r.memory !== undefined && r.memoryReservation > r.memory) {
      ctx.addIssue({ code: 'custom', path: ['memoryReservation'], message: 'must not exceed memory' });
    }
    if (r.cpus !== undefined && (r.cpuPeriod !== undefined || r.cpuQuota !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['cpus'], message: 'set either cpus or cpuPeriod/cpuQuota, not both' });
    }
    if (r.memory !== undefined && r.memory < 6 * 1024 * 1024) {
      ctx.addIssue({ code: 'custom', path: ['memory'], message: 'must be at least 6m (the Engine minimum)' });
    }
  });
export type ResourcesSpec = z.output<typeof ResourcesSpec>;

/** What `updateContainer` may change on a running container (the subset `docker update` takes). */
export const ResourcesUpdate = z.strictObject({
  ...updatableLimits,
  restart: z
    .strictObject({
      policy: z.enum(['no', 'always', 'unless-stopped', 'on-failure']),
      maxRetries: z.number().int().min(0).optional(),
    })
    .optional(),
});
export type ResourcesUpdateInput = z.input<typeof ResourcesUpdate>;
export type ResourcesUpdate = z.output<typeof ResourcesUpdate>;
