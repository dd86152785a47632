import {
  ActivityCancellationType,
  proxyActivities,
  type ActivityFunctionWithOptions,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import type {
  AnswerIdentityActivities,
  ChangeActivities,
  EventActivities,
  HostActivities,
  HostRegistryActivities,
  NotifierActivities,
  OrchestratorActivities,
} from '../../activities';
import { EDGE_ACTIVITY_START_TO_CLOSE_MS } from '../../common/edge-timing';
import { NON_RETRYABLE_ERROR_TYPES } from '../../common/errors';
import { REPLICA_WAIT_START_TO_CLOSE_MS } from '../../common/rolling-update';
import { hostTaskQueue } from '../../common/task-queues';
import { activitySummary } from './activity-summaries';

/** The one retry policy: quick backoff, capped at 10 s; failures typed as the request's fault are final. */
const retry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '10s',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/**
 * Named activity-option profiles. Every host profile bounds schedule-to-close because a dead host's
 * queue never drains: start-to-close alone would wait forever for a worker that is not coming back.
 * Profiles that heartbeat notice a silent agent (crashed, partitioned) within the heartbeat timeout and
 * retry on whichever agent serves the queue next.
 */
export const profiles = {
  /** One Engine round trip or a few: inspect, create, start, remove, rename, update, copy. */
  quick: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '5m' },
  /** An edge config change: one exec whose script may wait for an overlapping change and then for nginx
   * (EDGE_APPLY_WORST_MS); the start-to-close covers that worst case, so a slow host is not cut short
   * and retried beside a script still running. */
  edge: { startToCloseTimeout: EDGE_ACTIVITY_START_TO_CLOSE_MS, scheduleToCloseTimeout: '10m' },
  /** Stop/restart wait out the container's stop timeout (up to minutes for a slow shutdown). */
  lifecycle: { heartbeatTimeout: '10s', startToCloseTimeout: '5m', scheduleToCloseTimeout: '15m' },
  /** Pulls, builds, exports and waits. */
  slow: { heartbeatTimeout: '10s', startToCloseTimeout: '15m', scheduleToCloseTimeout: '30m' },
  /** An exec runs the user's command again on every attempt: two attempts at most, and only when the
   * first never reached the Engine (unreachable/5xx are the retryable failures). */
  once: {
    heartbeatTimeout: '10s',
    startToCloseTimeout: '10m',
    scheduleToCloseTimeout: '15m',
    retry: { ...retry, maximumAttempts: 2 },
  },
  /** Retiring or handing over a replica stops it (up to its stop timeout), heartbeating. */
  retire: { heartbeatTimeout: '10s', startToCloseTimeout: '2m', scheduleToCloseTimeout: '10m' },
  /** A replica's launch, monitor period or restore waits for health (each wait at most
   * MAX_REPLICA_WAIT_MS, refused above by RollingUpdateInput), heartbeating every look. */
  replicaWait: {
    heartbeatTimeout: '10s',
    startToCloseTimeout: REPLICA_WAIT_START_TO_CLOSE_MS,
    scheduleToCloseTimeout: '1h',
  },
  /** Watching a canary's window (one interval at most, MAX_CANARY_INTERVAL_MS): the heartbeat every
   * poll notices a silent agent, and its short timeout lets a cancellation (an answer came) reach the
   * watch within seconds (the SDK sends heartbeats at most every 80 % of it). */
  canaryWatch: { heartbeatTimeout: '5s', startToCloseTimeout: '15m', scheduleToCloseTimeout: '30m' },
  /** Clean-up walks every Dockhand object on the host: bounded, but more than one round trip. */
  sweep: { startToCloseTimeout: '5m', scheduleToCloseTimeout: '15m' },
  /** A remediation restart waits up to the stop timeout (≤ 300 s) before the engine kills; 6 min covers
   * it. A remediation that cannot reach its host should escalate, not hang. */
  remediation: { startToCloseTimeout: '6m', scheduleToCloseTimeout: '15m' },
  /** The health sweep: a host that does not answer within a minute is reported, not waited for. */
  probe: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '1m' },
  /** A scan of one container heartbeats while it streams the filesystem. */
  scan: {
    heartbeatTimeout: '30s',
    startToCloseTimeout: '5m',
    scheduleToCloseTimeout: '10m',
    retry: { ...retry, initialInterval: '1s' },
  },
  /** Trivy over a host's images: a database download (≤ 5 min) and one bounded `trivy image` per image,
   * heartbeating every few seconds while Trivy runs; one attempt more at most, since a second run repeats
   * the whole batch. */
  vulnScan: {
    heartbeatTimeout: '30s',
    startToCloseTimeout: '1h',
    scheduleToCloseTimeout: '2h',
    retry: { ...retry, initialInterval: '1s', maximumAttempts: 2 },
  },
  /** Listing a host's scan targets: schedule-to-close is the scan's `hostTimeoutMs` (see hostAgent), so
   * a host whose agent is down is reported and the scan goes on. */
  reach: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '5m', retry: { ...retry, initialInterval: '1s' } },
  /** "Is the agent there?" while a fleet waits: no Engine call, one attempt (any answer, even an error,
   * means an agent picked it up); the fleet's host-loss bound is its schedule-to-start (see hostAgent),
   * and no schedule-to-close, which would end the wait for an agent before that bound does. */
  presence: { startToCloseTimeout: '10s', retry: { ...retry, maximumAttempts: 1 } },
  /** Notifications (orchestrator queue). */
  notify: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '10m' },
  /** Publishing events (orchestrator queue; it needs Redis, not a host). */
  publish: { startToCloseTimeout: '30s', scheduleToCloseTimeout: '5m' },
  /** Scan reports and the host registry (orchestrator queue). */
  report: { startToCloseTimeout: '1m', scheduleToCloseTimeout: '5m', retry: { ...retry, initialInterval: '1s' } },
} satisfies Record<string, ActivityOptions>;
export type Profile = keyof typeof profiles;

/** Which profile each host-agent activity runs under (exported for the profile tests). */
export const HOST_AGENT = {
  // containers: lifecycle
  createContainer: 'quick',
  startContainer: 'quick',
  stopContainer: 'lifecycle',
  restartContainer: 'lifecycle',
  pauseContainer: 'quick',
  unpauseContainer: 'quick',
  killContainer: 'quick',
  waitContainer: 'slow',
  removeContainer: 'quick',
  // containers: observe
  inspectContainer: 'quick',
  containerLogs: 'quick',
  followLogs: 'slow',
  containerStats: 'quick',
  containerTop: 'quick',
  containerDiff: 'quick',
  exportContainer: 'slow',
  waitHealthy: 'slow',
  ensureEdgeContainer: 'slow',
  // containers: change
  execInContainer: 'once',
  updateContainer: 'quick',
  renameContainer: 'quick',
  copyFileIn: 'quick',
  readFileFrom: 'quick',
  // images
  ensureImage: 'slow',
  inspectImage: 'quick',
  listImages: 'quick',
  removeImage: 'quick',
  pruneDanglingImages: 'sweep',
  // networks
  ensureNetwork: 'quick',
  connectNetwork: 'quick',
  disconnectNetwork: 'quick',
  removeNetwork: 'quick',
  pruneNetworks: 'sweep',
  // clean-up
  cleanupDockhand: 'sweep',
  listCleanupCandidates: 'sweep',
  removeCleanupItem: 'quick',
  // hardening (remediateHarden)
  readHardenSource: 'quick',
  createHardenedContainer: 'quick',
  // the edge (nginx) in front of a service
  configureEdge: 'edge',
  restoreEdge: 'edge',
  configureEdgeColors: 'edge',
  switchEdgeColor: 'quick',
  configureEdgeCanary: 'edge',
  readCanaryLog: 'quick',
  stopCanaryTraffic: 'quick',
  watchCanaryLog: 'canaryWatch',
  probeEdge: 'quick',
  listServiceContainers: 'quick',
  readEdge: 'quick',
  smokeCheck: 'quick',
  waitEdgeDrained: 'slow',
  // the rolling update's replicas
  listReplicas: 'quick',
  planSpecHashes: 'quick',
  removeReplica: 'quick',
  launchReplica: 'replicaWait',
  watchHealthy: 'replicaWait',
  restoreReplica: 'replicaWait',
  startReplicaBeside: 'replicaWait',
  retireReplica: 'retire',
  handOverReplica: 'retire',
  // remediation
  containerCondition: 'remediation',
  // looks and restarts: waits out the stop timeout like restartContainer, heartbeating meanwhile
  restartIfUnhealthy: 'lifecycle',
  disconnectNetworks: 'remediation',
  updateMemory: 'remediation',
  recreateWithMemory: 'remediation',
  unhealthyContainers: 'probe',
  // scans
  listScanTargets: 'reach',
  scanContainer: 'scan',
  scanImages: 'vulnScan',
  // a fleet's probe of the agent while it waits
  pingAgent: 'presence',
} as const satisfies Partial<Record<keyof HostActivities, Profile>>;

type Proxied<T> = { [K in keyof T]: T[K] };
type Table<A, M extends Partial<Record<keyof A, Profile>>> = Proxied<Pick<A, Extract<keyof M, keyof A>>>;

type ProxiedFn = ActivityFunctionWithOptions<(...args: unknown[]) => Promise<unknown>>;

/** A plain object of activity functions (spreadable, unlike a raw `proxyActivities` Proxy): each name
 * in `table` taken from the proxy of its profile, and every call carries its one-line summary (the
 * Temporal UI's timeline shows it; see activity-summaries.ts). */
function proxyTable<A extends object, M extends Partial<Record<keyof A, Profile>>>(
  table: M,
  options: (profile: Profile) => ActivityOptions,
): Table<A, M> {
  const proxies = new Map<Profile, Record<string, ProxiedFn>>();
  const out: Record<string, unknown> = {};
  for (const [name, profile] of Object.entries(table) as Array<[string, Profile]>) {
    if (!proxies.has(profile)) proxies.set(profile, proxyActivities<Record<string, never>>(options(profile)));
    const fn = proxies.get(profile)![name]!;
    out[name] = (...args: unknown[]) => fn.executeWithOptions({ summary: activitySummary(name, args) }, args);
  }
  return out as Table<A, M>;
}

/** Bounds of a host agent's calls beyond their profiles. */
export interface HostAgentBounds {
  /** How long a scan waits for the host to list its targets (default: the `reach` profile's 5 min). */
  hostTimeoutMs?: number;
  /** A fleet change's host-loss timeout: how long each call waits on the host's queue for an agent to
   * pick it up (schedule-to-start: it never cuts short a step an agent is running). Past it the call
   * fails with a SCHEDULE_TO_START timeout, which Temporal does not retry: the host is lost. */
  agentPickupMs?: number;
  /** A repair that waits for a lost agent to come back: every call's schedule-to-close (its retries
   * included) instead of the profile's. */
  agentReturnMs?: number;
  /** A cancelled workflow waits for each call in flight to end (done, failed, or cancelled at the agent)
   * instead of going on at once: an undo must never run beside a step that can still land. */
  waitForCancelled?: boolean;
}

/** The activities of one host agent, on its own task queue, each under its profile (and `o`'s bounds). */
export function hostAgent(host: string, o: HostAgentBounds = {}) {
  const taskQueue = hostTaskQueue(host);
  return proxyTable<HostActivities, typeof HOST_AGENT>(HOST_AGENT, (profile) => ({
    taskQueue,
    retry,
    ...profiles[profile],
    ...(profile === 'reach' && o.hostTimeoutMs !== undefined ? { scheduleToCloseTimeout: o.hostTimeoutMs } : {}),
    ...(o.agentPickupMs !== undefined ? { scheduleToStartTimeout: o.agentPickupMs } : {}),
    ...(o.agentReturnMs !== undefined ? { scheduleToCloseTimeout: o.agentReturnMs } : {}),
    ...(o.waitForCancelled ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
  }));
}
export type HostAgent = ReturnType<typeof hostAgent>;

type OrchestratorSide = NotifierActivities &
  EventActivities &
  OrchestratorActivities &
  HostRegistryActivities &
  ChangeActivities &
  AnswerIdentityActivities;
const ORCHESTRATOR = {
  notify: 'notify',
  deliverNotification: 'notify',
  publishEvents: 'publish',
  loadScanBaseline: 'report',
  stageScanPart: 'report',
  stageScanSbom: 'report',
  writeScanReport: 'report',
  readScanReportChunk: 'report',
  runningChanges: 'report',
  listKnownHosts: 'report',
  answerIdentity: 'report',
} as const satisfies Partial<Record<keyof OrchestratorSide, Profile>>;

/** Activities that need no Docker host (notifier, events, reports, host registry): they run on the
 * workflow's own (orchestrator) queue, the default when no task queue is given. */
export function orchestratorActivities() {
  return proxyTable<OrchestratorSide, typeof ORCHESTRATOR>(ORCHESTRATOR, (profile) => ({
    retry,
    ...profiles[profile],
  }));
}
