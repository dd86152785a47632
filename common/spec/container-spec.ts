import { z } from 'zod';
import { RESERVED_LABEL_PREFIX } from '../labels';
import { durationMs } from './schema-helpers';
import { ResourcesSpec } from './resources';
import { SecuritySpec } from './security';
import { LoggingSpec } from './logging';
import { MountSpec } from './mounts';
import { argv, boundedList, boundedRecord, boundedString, SPEC_LIMITS } from './limits';

/** An image reference: [registry[:port]/]name[/name…][:tag][@sha256:digest], as Docker reads it. */
const IMAGE_REF =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Docker's own rule for container and network names. */
export const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export const imageRef = boundedString(1024).regex(
  IMAGE_REF,
  'not an image reference (e.g. "nginx:1.27" or "registry:5000/team/app@sha256:…")',
);
const envName = z.string().regex(ENV_NAME, 'not an environment variable name');
const port = z.number().int().min(1).max(65535);

export const HealthcheckSpec = z.strictObject({
  /** ["CMD", "wget", …], ["CMD-SHELL", "…"] or a shell string; ["NONE"] disables the image's check. */
  test: z.union([argv().min(1), boundedString(SPEC_LIMITS.argvChars).min(1)]),
  interval: durationMs.optional(),
  timeout: durationMs.optional(),
  startPeriod: durationMs.optional(),
  retries: z.number().int().min(0).optional(),
});

export const PortSpec = z.strictObject({
  container: port,
  /** Host port; 0 or absent picks a free one (reported back after start). */
  host: z.number().int().min(0).max(65535).optional(),
  /** Host address to bind, e.g. "127.0.0.1"; absent binds all interfaces. */
  hostIp: z.union([z.ipv4(), z.ipv6()]).optional(),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
});

/** A secret env value is a reference, resolved by the host agent at create time, so its clear text is
 * never written to workflow history or logs. */
export const SecretRef = z.union([
  z.strictObject({ fromEnv: envName }),
  z.strictObject({ file: boundedString().startsWith('/', 'must be an absolute path') }),
]);

const envLimits = <T>(size: (v: T) => number) => ({
  entries: SPEC_LIMITS.envEntries,
  chars: SPEC_LIMITS.envChars,
  size,
});

/** Every field is bounded (common/spec/limits.ts): an oversized spec is refused naming its field. */
export const ContainerSpec = z.strictObject({
  image: imageRef,
  command: argv().optional(),
  /** [] clears the image's entrypoint. */
  entrypoint: argv().optional(),
  env: boundedRecord(
    envName,
    z.string(),
    envLimits((v) => v.length),
  ).default({}),
  secretEnv: boundedRecord(
    envName,
    SecretRef,
    envLimits((r) => JSON.stringify(r).length),
  ).default({}),
  /** KEY=value files on the host agent (`docker run --env-file`), read at create time so their values
   * never enter workflow history; `env` and `secretEnv` win over them. */
  envFiles: boundedList(boundedString().startsWith('/', 'must be an absolute path')).optional(),
  workingDir: boundedString().startsWith('/', 'must be an absolute path').optional(),
  user: boundedString().min(1).optional(),
  labels: boundedRecord(z.string().min(1), z.string(), {
    entries: SPEC_LIMITS.labelEntries,
    chars: SPEC_LIMITS.labelChars,
    size: (v) => v.length,
  })
    .default({})
    .refine((l) => !Object.keys(l).some((k) => k.startsWith(RESERVED_LABEL_PREFIX)), {
      message: `labels starting with "${RESERVED_LABEL_PREFIX}" are Dockhand's own`,
    }),
  /** Run an init as PID 1 (reaps zombies, forwards signals; busybox httpd ignores SIGTERM otherwise). */
  init: z.boolean().optional(),
  restart: z
    .strictObject({
      policy: z.enum(['no', 'always', 'unless-stopped', 'on-failure']),
      maxRetries: z.number().int().min(0).optional(),
    })
    .optional(),
  stopSignal: z
    .string()
    .regex(/^(SIG[A-Z0-9]+|\d+)$/, 'not a signal name such as SIGTERM')
    .optional(),
  /** Seconds `stop` waits before SIGKILL. */
  stopTimeout: z.number().int().min(0).optional(),
  healthcheck: HealthcheckSpec.optional(),
  ports: boundedList(PortSpec).default([]),
  /** A user-defined network to join (created when missing), or bridge | host | none | container:<name>. */
  network: boundedString().min(1).optional(),
  /** Extra DNS names on the user-defined network. */
  networkAliases: boundedList(boundedString(253).regex(DOCKER_NAME)).default([]),
  resources: ResourcesSpec.optional(),
  security: SecuritySpec.optional(),
  logging: LoggingSpec.optional(),
  mounts: boundedList(MountSpec).optional(),
});

/** What a user writes (units as strings, defaults omitted). */
export type ContainerSpecInput = z.input<typeof ContainerSpec>;
/** What Dockhand works with after validation (units parsed, defaults filled). */
export type ContainerSpec = z.output<typeof ContainerSpec>;
