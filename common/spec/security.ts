import { z } from 'zod';

const capability = z.string().regex(/^(ALL|(CAP_)?[A-Z_]+)$/, 'not a capability name (e.g. NET_ADMIN or ALL)');
const absolutePath = z.string().startsWith('/', 'must be an absolute path');

/** A host device made visible in the container (`docker run --device`). */
const DeviceSpec = z.strictObject({
  hostPath: z.string().startsWith('/dev/', 'must be a device path under /dev/'),
  /** Defaults to hostPath. */
  containerPath: absolutePath.optional(),
  /** Cgroup permissions: any of r, w, m. */
  permissions: z
    .string()
    .regex(/^[rwm]{1,3}$/, 'use r, w and/or m')
    .default('rwm'),
});

/** Hardening and privileges. A read-only root usually needs a few tmpfs mounts (/tmp, /run). */
export const SecuritySpec = z.strictObject({
  readOnlyRootfs: z.boolean().optional(),
  /** Path in the container → mount options ("size=64m,mode=1777", or "" for defaults). */
  tmpfs: z.record(absolutePath, z.string()).optional(),
  capAdd: z.array(capability).optional(),
  capDrop: z.array(capability).optional(),
  noNewPrivileges: z.boolean().optional(),
  /** Raw `--security-opt` values, e.g. "seccomp=unconfined", "apparmor=docker-default". */
  securityOpt: z
    .array(z.string().regex(/^[a-z-]+([=:].*)?$/, 'not a security option (e.g. "label=disable")'))
    .optional(),
  privileged: z.boolean().optional(),
  devices: z.array(DeviceSpec).optional(),
});
export type SecuritySpec = z.output<typeof SecuritySpec>;
