/** Labels Dockhand puts on what it creates. Docker is the source of truth about what runs: these
 * labels are how Dockhand finds its containers, networks and images again after any crash. */
export const Labels = {
  managed: 'dockhand.managed',
  service: 'dockhand.service',
  slot: 'dockhand.slot',
  color: 'dockhand.color',
  revision: 'dockhand.revision',
  specHash: 'dockhand.spec-hash',
  host: 'dockhand.host',
  /** On a container recreated by remediation (more memory after an OOM kill): the id it replaced. */
  recreatedFrom: 'dockhand.recreated-from',
  /** On a hardened copy of a container: the id of the container it replaces (remediateHarden). */
  hardenedFrom: 'dockhand.hardened-from',
  /** Names (never values) of the env variables that came from secretEnv and env files: the agent
   * redacts their values from logs it reports, and keys their hash (spec-hash.ts). */
  secretEnv: 'dockhand.secret-env',
} as const;

/** A container is Dockhand's only with both labels: containers inherit their image's labels, and the
 * images Dockhand builds carry `dockhand.managed=true`, so that label alone does not prove a container
 * was created by Dockhand — the spec hash is set at create time only. */
export const OWNED_CONTAINER_LABELS = [`${Labels.managed}=true`, Labels.specHash];

/** Labels must not be set by a spec: Dockhand owns them. */
export const RESERVED_LABEL_PREFIX = 'dockhand.';

export function managedLabels(service: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [Labels.managed]: 'true', [Labels.service]: service, ...extra };
}
