/** Inputs and results of the host agent's Docker activities (activities/docker/*), shared by the
 * workflows that call them and the tests that prove them. Everything here lands in workflow history:
 * it never carries secret values. */
import type { ResourcesUpdateInput } from './spec/resources';

export interface ContainerRef {
  name: string;
}

/** Which container to remove, and the proof that it is Dockhand's to remove (review C1). */
export interface RemoveContainerInput extends ContainerRef {
  /** Remove exactly this container (the id a create returned); `name` then only labels messages. */
  id?: string;
  /** Without `id`: the container under `name` must be this service's (its Dockhand labels). */
  service?: string;
  /** Without `id`: the container under `name` must carry these labels (e.g. the hardened copy's
   * `dockhand.hardened-from=<source id>`), proof that this run made it. Replaces the Dockhand-ownership
   * check: a hardened copy of a container Dockhand does not manage is not "Dockhand's". */
  requireLabels?: Record<string, string>;
  /** Also when running (default true). */
  force?: boolean;
  volumes?: boolean;
}

export interface StopContainerInput extends ContainerRef {
  /** Seconds to wait after the stop signal before SIGKILL (the container's StopTimeout when absent). */
  timeoutS?: number;
}
export interface ChangedResult {
  /** False when the wanted state already held (already stopped, already paused, already gone…). */
  changed: boolean;
}
export interface KillContainerInput extends ContainerRef {
  /** A signal name (SIGTERM, SIGUSR1, SIGHUP…) or number; SIGKILL by default. */
  signal?: string;
}
export interface KillContainerResult {
  signalled: boolean;
}

export interface WaitContainerInput extends ContainerRef {
  /** Give up (typed WaitTimeout) after this long; the wait heartbeats meanwhile. */
  timeoutMs: number;
}
export interface WaitContainerResult {
  exitCode: number;
  /** For the well-known codes (125, 126, 127, 137, 143, 128+n) one line saying what happened. */
  meaning?: string;
  oomKilled: boolean;
  error: string;
}

export interface LogsInput extends ContainerRef {
  /** Last N lines (all when absent). */
  tail?: number;
  /** Unix seconds, an ISO time, or a duration back from now ("10m"). */
  since?: number | string;
  until?: number | string;
  timestamps?: boolean;
  /** Bound on each stream; the newest bytes are kept. */
  maxBytes?: number;
}
export interface LogsResult {
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export interface FollowLogsInput extends ContainerRef {
  /** Stop as soon as this text appears in either stream. */
  untilText?: string;
  /** Stop after this long even without a match. */
  timeoutMs: number;
  tail?: number;
  maxBytes?: number;
}
export interface FollowLogsResult extends LogsResult {
  matched: boolean;
  /** The log stream ended (the container stopped). */
  ended: boolean;
}

/** A `docker stats` line, computed the way the CLI computes it. */
export interface StatsSnapshot {
  cpuPercent: number;
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

export interface TopResult {
  titles: string[];
  processes: string[][];
}
export interface DiffEntry {
  path: string;
  kind: 'modified' | 'added' | 'deleted';
}

export interface ExportContainerInput extends ContainerRef {
  /** Absolute path on the host agent to write the tar to (replaced atomically). */
  path: string;
}
export interface ExportContainerResult {
  path: string;
  sizeBytes: number;
  sha256: string;
}

export interface ExecInput extends ContainerRef {
  command: string[];
  user?: string;
  workingDir?: string;
  /** Plain values only: they are in history. */
  env?: Record<string, string>;
  /** Bound on each stream; the newest bytes are kept. */
  maxOutputBytes?: number;
  timeoutMs?: number;
}
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export interface UpdateContainerInput extends ContainerRef {
  resources: ResourcesUpdateInput;
}
export interface UpdateContainerResult {
  warnings: string[];
}

export interface RenameContainerInput extends ContainerRef {
  newName: string;
}

export interface CopyFileInInput extends ContainerRef {
  /** Absolute path of the file inside the container; its directory must exist. */
  path: string;
  content: string;
  encoding?: 'utf8' | 'base64';
  /** File mode, 0o644 by default. */
  mode?: number;
}
export interface ReadFileInput extends ContainerRef {
  path: string;
  encoding?: 'utf8' | 'base64';
  maxBytes?: number;
}
export interface ReadFileResult {
  content: string;
  encoding: 'utf8' | 'base64';
  sizeBytes: number;
  truncated: boolean;
  mode: number;
}

export interface ImageView {
  id: string;
  tags: string[];
  user: string;
  workingDir: string;
  entrypoint: string[] | null;
  cmd: string[] | null;
  healthcheck?: { test: string[]; intervalMs?: number; timeoutMs?: number; startPeriodMs?: number; retries?: number };
  exposedPorts: string[];
  labels: Record<string, string>;
  sizeBytes: number;
  created: string;
}
export interface ImageSummary {
  id: string;
  tags: string[];
  sizeBytes: number;
  created: number;
  labels: Record<string, string>;
}
export interface ListImagesInput {
  /** "key" or "key=value" label filters, all of which must match. */
  labels?: string[];
  dangling?: boolean;
}
export interface RemoveImageInput {
  image: string;
  force?: boolean;
}
export interface PruneInput {
  /** Label filters narrowing what is pruned (always within Dockhand's own). */
  labels?: string[];
  /** List what would go, remove nothing. */
  dryRun?: boolean;
}
export interface PruneImagesResult {
  images: ImageSummary[];
  removed: boolean;
  reclaimedBytes: number;
}

export interface BuildImageInput {
  /** Absolute path of the build context on the host agent. */
  contextDir: string;
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
}
export interface EnsureImageInput {
  image: string;
  /** Build it here when missing (instead of pulling). */
  build?: BuildImageInput;
  /** Pin: the manifest digest (sha256:…) the image must have here, as the first host resolved it; a host
   * with other bytes or none pulls `repository@digest` and tags it as `image`. */
  digest?: string;
}
export interface EnsureImageResult {
  image: string;
  /** The Engine's image id (the config digest: the same on every host that has the same image). */
  id: string;
  pulled: boolean;
  built?: boolean;
  /** The manifest digest in the image's repository (what pins it for the other hosts); undefined for
   * an image that never came from a registry (built or loaded here). */
  digest?: string;
}

export interface EnsureNetworkInput {
  name: string;
  labels: Record<string, string>;
  internal?: boolean;
}
export interface EnsureNetworkResult {
  id: string;
  created: boolean;
}
export interface ConnectNetworkInput {
  network: string;
  container: string;
  aliases?: string[];
}
export interface DisconnectNetworkInput {
  network: string;
  container: string;
  force?: boolean;
}
export interface NetworkSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
}
export interface PruneNetworksResult {
  networks: NetworkSummary[];
  removed: boolean;
}

export interface CleanupInput {
  /** Only this service's leftovers (all of Dockhand's when absent). */
  service?: string;
  dryRun?: boolean;
  /** Also remove Dockhand's unused volumes (never without this). */
  volumes?: boolean;
}
export interface CleanupResult {
  dryRun: boolean;
  containers: Array<{ id: string; name: string; status: string }>;
  images: Array<{ id: string; tags: string[] }>;
  networks: Array<{ id: string; name: string }>;
  volumes: string[];
}
