/**
 * The host agent's own policy. The agent holds the Docker socket — it is as powerful as root on its
 * host — and anyone who may start a workflow in the namespace can schedule its activities. So the agent
 * refuses, whatever a workflow asks, what its own configuration (environment variables on the agent
 * host, never workflow input) does not allow. Pure: the checks are tested by exact equality.
 */

/** The rule a refusal names. */
export type HostRule =
  | 'privileged'
  | 'host-namespace'
  | 'host-path'
  | 'secret-file'
  | 'secret-env'
  | 'agent-path'
  | 'exec'
  | 'read-file'
  | 'copy-in';

export interface HostPolicy {
  /** privileged, capAdd ALL/SYS_ADMIN, unconfined seccomp/AppArmor, devices. */
  allowPrivileged: boolean;
  /** network: host (the host's network namespace). */
  allowHostNamespaces: boolean;
  /** Host directories bind mounts may come from. */
  bindPaths: string[];
  /** Directories secretEnv files and envFiles may be read from. */
  secretFiles: string[];
  /** Agent environment variables secretEnv.fromEnv may read. */
  secretEnv: string[];
  /** The agent's data directory: exports are written and builds read only below it. */
  dataDir: string;
  /** Container names (`*` matches any run of characters) execInContainer may run a command in. */
  execContainers: string[];
  /** Container names readFileFrom may read from… */
  readContainers: string[];
  /** …and the directories inside those containers it may read below (the content goes into history). */
  readPaths: string[];
  /** Containers Dockhand does not own that copyFileIn may write files into (its own it always may). */
  copyContainers: string[];
}

/** What the agent looked up on the engine before judging an activity (the input alone cannot say). */
export interface HostFacts {
  /** copyFileIn: whether the target container is Dockhand's (OWNED_CONTAINER_LABELS); undefined: no such
   * container (the activity then fails NotFound, writing nothing). */
  owned?: boolean;
}

export interface HostPolicyViolation {
  rule: HostRule;
  /** The input field that broke it ("spec.mounts.0.source"). */
  field: string;
  message: string;
}

/** The environment variables the policy is read from, and what each allows. */
const HOST_POLICY_ENV = {
  allowPrivileged: 'DOCKHAND_AGENT_ALLOW_PRIVILEGED',
  allowHostNamespaces: 'DOCKHAND_AGENT_ALLOW_HOST_NAMESPACES',
  bindPaths: 'DOCKHAND_AGENT_BIND_PATHS',
  secretFiles: 'DOCKHAND_AGENT_SECRET_FILES',
  secretEnv: 'DOCKHAND_AGENT_SECRET_ENV',
  dataDir: 'DOCKHAND_AGENT_DATA_DIR',
  execContainers: 'DOCKHAND_AGENT_EXEC_CONTAINERS',
  readContainers: 'DOCKHAND_AGENT_READ_CONTAINERS',
  readPaths: 'DOCKHAND_AGENT_READ_PATHS',
  copyContainers: 'DOCKHAND_AGENT_COPY_CONTAINERS',
} as const;

/** Reads the policy; a bad value is an error naming the variable (the agent does not start). */
export function hostPolicyFromEnv(env: Record<string, string | undefined>): HostPolicy {
  const flag = (name: string) => {
    const v = env[name];
    if (v === undefined || v === '' || v === '0' || v === 'false') return false;
    if (v === '1' || v === 'true') return true;
    throw new Error(`${name}: "${v}" is not 1/true or 0/false`);
  };
  const dirs = (name: string) =>
    (env[name] ?? '')
      .split(':')
      .filter(Boolean)
      .map((d) => {
        const n = normalize(d);
        if (!n || n === '/') throw new Error(`${name}: "${d}" must be an absolute directory other than /`);
        return n;
      });
  /** A comma-separated list whose every entry must match `valid`; `what` names a good entry in the error. */
  const list = (name: string, valid: RegExp, what: string) =>
    (env[name] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((v) => {
        if (!valid.test(v)) throw new Error(`${name}: "${v}" is not ${what}`);
        return v;
      });
  const names = (name: string) => list(name, /^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
  const patterns = (name: string) =>
    list(name, /^[A-Za-z0-9_.*-]+$/, 'a container name pattern (letters, digits, _ . - and *)');
  const dataDir = normalize(env[HOST_POLICY_ENV.dataDir] ?? '/var/lib/dockhand');
  if (!dataDir || dataDir === '/')
    throw new Error(`${HOST_POLICY_ENV.dataDir}: must be an absolute directory other than /`);
  return {
    allowPrivileged: flag(HOST_POLICY_ENV.allowPrivileged),
    allowHostNamespaces: flag(HOST_POLICY_ENV.allowHostNamespaces),
    bindPaths: dirs(HOST_POLICY_ENV.bindPaths),
    secretFiles: dirs(HOST_POLICY_ENV.secretFiles),
    secretEnv: names(HOST_POLICY_ENV.secretEnv),
    dataDir,
    execContainers: patterns(HOST_POLICY_ENV.execContainers),
    readContainers: patterns(HOST_POLICY_ENV.readContainers),
    readPaths: dirs(HOST_POLICY_ENV.readPaths),
    copyContainers: patterns(HOST_POLICY_ENV.copyContainers),
  };
}

/** The fields the policy looks at, loosely typed: the check runs on raw activity input. */
interface LooseMount {
  type?: unknown;
  source?: unknown;
}
interface LooseSpec {
  network?: unknown;
  security?: { privileged?: unknown; capAdd?: unknown; securityOpt?: unknown; devices?: unknown };
  mounts?: unknown;
  secretEnv?: Record<string, { file?: unknown; fromEnv?: unknown } | undefined>;
  envFiles?: unknown;
}

/** What a container spec asks that the policy does not allow (the spec's own shape, loosely typed:
 * the check runs before validation so nothing slips through an unvalidated path). */
export function specViolations(spec: unknown, policy: HostPolicy, field = 'spec'): HostPolicyViolation[] {
  if (!spec || typeof spec !== 'object') return [];
  const s = spec as LooseSpec;
  const out: HostPolicyViolation[] = [];
  const add = (rule: HostRule, f: string, what: string, allowedBy: string) =>
    out.push({ rule, field: `${field}.${f}`, message: `${field}.${f}: ${what} (host policy "${rule}"; ${allowedBy})` });
  const sec = s.security ?? {};
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  if (!policy.allowPrivileged) {
    const env = HOST_POLICY_ENV.allowPrivileged;
    if (sec.privileged === true)
      add('privileged', 'security.privileged', 'a privileged container', `${env}=1 allows it`);
    for (const [i, c] of list(sec.capAdd).entries())
      if (['ALL', 'SYS_ADMIN', 'CAP_SYS_ADMIN'].includes(String(c)))
        add('privileged', `security.capAdd.${i}`, `capability ${String(c)}`, `${env}=1 allows it`);
    for (const [i, o] of list(sec.securityOpt).entries())
      if (/^(seccomp|apparmor)[=:]unconfined$/.test(String(o)))
        add('privileged', `security.securityOpt.${i}`, `"${String(o)}"`, `${env}=1 allows it`);
    if (list(sec.devices).length > 0) add('privileged', 'security.devices', 'host devices', `${env}=1 allows them`);
  }
  if (!policy.allowHostNamespaces && s.network === 'host')
    add(
      'host-namespace',
      'network',
      "the host's network namespace",
      `${HOST_POLICY_ENV.allowHostNamespaces}=1 allows it`,
    );
  for (const [i, m] of (list(s.mounts) as LooseMount[]).entries())
    if (m?.type === 'bind' && !inside(String(m.source), policy.bindPaths))
      add(
        'host-path',
        `mounts.${i}.source`,
        `host path ${String(m.source)} is outside the allowed bind paths`,
        allowed(policy.bindPaths, HOST_POLICY_ENV.bindPaths),
      );
  for (const [name, ref] of Object.entries(s.secretEnv ?? {})) {
    if (ref && 'file' in ref && !inside(String(ref.file), policy.secretFiles))
      add(
        'secret-file',
        `secretEnv.${name}.file`,
        `${String(ref.file)} is outside the allowed secret directories`,
        allowed(policy.secretFiles, HOST_POLICY_ENV.secretFiles),
      );
    if (ref && 'fromEnv' in ref && !policy.secretEnv.includes(String(ref.fromEnv)))
      add(
        'secret-env',
        `secretEnv.${name}.fromEnv`,
        `agent variable ${String(ref.fromEnv)} is not allowed as a secret`,
        allowed(policy.secretEnv, HOST_POLICY_ENV.secretEnv),
      );
  }
  for (const [i, f] of list(s.envFiles).entries())
    if (!inside(String(f), policy.secretFiles))
      add(
        'secret-file',
        `envFiles.${i}`,
        `${String(f)} is outside the allowed secret directories`,
        allowed(policy.secretFiles, HOST_POLICY_ENV.secretFiles),
      );
  return out;
}

/** Activities that write or read agent paths the workflow names, and the field holding the path. */
const AGENT_PATHS: Record<
  string,
  (input: { path?: unknown; build?: { contextDir?: unknown } }) => [string, unknown] | undefined
> = {
  exportContainer: (i) => ['path', i.path],
  ensureImage: (i) => (i.build ? ['build.contextDir', i.build.contextDir] : undefined),
};

/** Every violation in one activity's input: any `spec` it carries, the agent paths it names, and the
 * containers (and container paths) it runs commands in, reads files from or writes files into. */
export function activityViolations(
  activity: string,
  input: unknown,
  policy: HostPolicy,
  facts: HostFacts = {},
): HostPolicyViolation[] {
  if (!input || typeof input !== 'object') return [];
  const i = input as Record<string, unknown>;
  const out = specViolations(i.spec, policy);
  out.push(...containerAccessViolations(activity, i, policy, facts));
  const p = AGENT_PATHS[activity]?.(i);
  if (p && !inside(String(p[1]), [policy.dataDir]))
    out.push({
      rule: 'agent-path',
      field: p[0],
      message: `${p[0]}: ${String(p[1])} is outside the agent's data directory ${policy.dataDir} (host policy "agent-path"; ${HOST_POLICY_ENV.dataDir} sets it)`,
    });
  return out;
}

/** execInContainer runs any command as the container's user, readFileFrom copies a file's content into
 * history: both only in the containers (and, for reads, below the container paths) the agent lists. */
function containerAccessViolations(
  activity: string,
  i: Record<string, unknown>,
  policy: HostPolicy,
  facts: HostFacts,
): HostPolicyViolation[] {
  const out: HostPolicyViolation[] = [];
  const name = String(i.name);
  // A file written into a container changes what it runs: fine in Dockhand's own containers (a workflow
  // may replace those anyway), only where listed in any other (a database Dockhand does not manage).
  if (activity === 'copyFileIn' && facts.owned === false && !matchesAny(name, policy.copyContainers))
    out.push({
      rule: 'copy-in',
      field: 'name',
      message: `name: writing files into container ${name} is not allowed: Dockhand does not own it (host policy "copy-in"; ${allowed(policy.copyContainers, HOST_POLICY_ENV.copyContainers)})`,
    });
  if (activity === 'execInContainer' && !matchesAny(name, policy.execContainers))
    out.push({
      rule: 'exec',
      field: 'name',
      message: `name: running commands in container ${name} is not allowed (host policy "exec"; ${allowed(policy.execContainers, HOST_POLICY_ENV.execContainers)})`,
    });
  if (activity === 'readFileFrom') {
    if (!matchesAny(name, policy.readContainers))
      out.push({
        rule: 'read-file',
        field: 'name',
        message: `name: reading files from container ${name} is not allowed (host policy "read-file"; ${allowed(policy.readContainers, HOST_POLICY_ENV.readContainers)})`,
      });
    if (!inside(String(i.path), policy.readPaths))
      out.push({
        rule: 'read-file',
        field: 'path',
        message: `path: ${String(i.path)} is outside the container paths files may be read from (host policy "read-file"; ${allowed(policy.readPaths, HOST_POLICY_ENV.readPaths)})`,
      });
  }
  return out;
}

/** Whether a container name matches one of the patterns (`*`: any run of characters, nothing else special). */
function matchesAny(name: string, patterns: string[]): boolean {
  return patterns.some((p) =>
    new RegExp(
      `^${p
        .split('*')
        .map((s) => s.replaceAll('.', '\\.'))
        .join('.*')}$`,
    ).test(name),
  );
}

const allowed = (list: string[], env: string) =>
  list.length ? `allowed: ${list.join(', ')} (${env})` : `nothing is allowed until ${env} lists it`;

/** Whether an absolute path is one of `dirs` or below one, after resolving "." and ".." (so
 * "/srv/ok/../../etc" is not under "/srv/ok"). */
export function inside(p: string, dirs: string[]): boolean {
  const n = normalize(p);
  return n !== undefined && dirs.some((d) => n === d || n.startsWith(d.endsWith('/') ? d : `${d}/`));
}

/** "/a/./b/../c/" → "/a/c"; undefined for a relative path. */
function normalize(p: string): string | undefined {
  if (!p.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}
