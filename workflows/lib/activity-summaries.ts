import type * as A from '../../activities';

// One line per activity call, shown as the event's summary in the Temporal UI's timeline, so the
// history reads as the runbook ("create web-green (app:v2)", "wait until web-green is healthy")
// instead of bare activity names. Pure text from the call's input: summaries are user metadata on
// the ScheduleActivityTask command and change no command order, so replay is unaffected.

type Input<F> = F extends (...args: infer P) => unknown ? P[0] : never;
type Summaries<A> = { [K in keyof A]: (input: Input<A[K]>) => string };

const secs = (ms: number | undefined) => (ms === undefined ? '' : ` (up to ${Math.round(ms / 1000)} s)`);
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const list = (xs: readonly string[], none = 'none') => (xs.length ? xs.join(', ') : none);

export const HOST_SUMMARIES: Summaries<A.HostActivities> = {
  // containers: lifecycle
  createContainer: (i) => `create container ${i.name} (${i.spec.image})`,
  startContainer: (i) => `start ${i.name}`,
  stopContainer: (i) => `stop ${i.name}${i.timeoutS === undefined ? '' : ` (kill after ${i.timeoutS} s)`}`,
  restartContainer: (i) => `restart ${i.name}`,
  pauseContainer: (i) => `pause ${i.name}`,
  unpauseContainer: (i) => `unpause ${i.name}`,
  killContainer: (i) => `send ${i.signal ?? 'SIGKILL'} to ${i.name}`,
  waitContainer: (i) => `wait for ${i.name} to exit${secs(i.timeoutMs)}`,
  removeContainer: (i) => `remove container ${i.name}${i.id ? ` (${i.id.slice(0, 12)})` : ''}`,
  // containers: observe
  inspectContainer: (i) => `inspect ${i.name}`,
  containerLogs: (i) => `read the logs of ${i.name}`,
  followLogs: (i) => `follow the logs of ${i.name}${i.untilText ? ` until "${i.untilText}"` : ''}${secs(i.timeoutMs)}`,
  containerStats: (i) => `read the stats of ${i.name}`,
  containerTop: (i) => `list the processes of ${i.name}`,
  containerDiff: (i) => `list the filesystem changes of ${i.name}`,
  exportContainer: (i) => `export ${i.name} to ${i.path}`,
  waitHealthy: (i) => `wait until ${i.name} is healthy${secs(i.timeoutMs)}`,
  ensureEdgeContainer: (i) => `make sure edge ${i.name} runs (${i.spec.image})`,
  // containers: change
  execInContainer: (i) => `run \`${i.command.join(' ').slice(0, 60)}\` in ${i.name}`,
  updateContainer: (i) => `update the resources of ${i.name}`,
  renameContainer: (i) => `rename ${i.name} to ${i.newName}`,
  copyFileIn: (i) => `write ${i.path} into ${i.name}`,
  readFileFrom: (i) => `read ${i.path} from ${i.name}`,
  // images
  ensureImage: (i) =>
    `make sure image ${i.image} is on the host${i.build ? ' (build if missing)' : ' (pull if missing)'}`,
  inspectImage: (i) => `inspect image ${i.image}`,
  listImages: (i) => `list images${i?.labels?.length ? ` labelled ${i.labels.join(', ')}` : ''}`,
  removeImage: (i) => `remove image ${i.image}`,
  pruneDanglingImages: (i) => `${i?.dryRun ? 'list' : 'remove'} dangling Dockhand images`,
  // networks
  ensureNetwork: (i) => `make sure network ${i.name} exists`,
  connectNetwork: (i) => `connect ${i.container} to network ${i.network}`,
  disconnectNetwork: (i) => `disconnect ${i.container} from network ${i.network}`,
  removeNetwork: (i) => `remove network ${i.name}`,
  pruneNetworks: (i) => `${i?.dryRun ? 'list' : 'remove'} unused Dockhand networks`,
  // clean-up
  cleanupDockhand: (i) =>
    `${i?.dryRun ? 'list' : 'remove'} Dockhand's leftovers${i?.service ? ` of ${i.service}` : ''}`,
  listCleanupCandidates: (i) => `list stopped/unused objects labelled ${list(i.labels)}`,
  removeCleanupItem: (i) => `remove ${i.item.kind} ${i.item.name} if still unused`,
  // hardening
  readHardenSource: (i) => `read the spec of ${i.name}`,
  createHardenedContainer: (i) => `create hardened container ${i.name} (${i.spec.image})`,
  // the edge (nginx) in front of a service
  configureEdge: (i) =>
    `point edge ${i.edge} at ${list(
      i.upstreams.map((u) => `${u.host}:${u.port}`),
      'no backend (503)',
    )}`,
  restoreEdge: (i) => `put back the previous config of edge ${i.edge}`,
  configureEdgeColors: (i) => `edge ${i.edge}: declare ${i.colors.join(' + ')}, ${i.live} serves`,
  configureEdgeCanary: (i) =>
    `edge ${i.edge}: ${i.weight}% of requests to ${i.service}-${i.canary}, the rest to ${i.service}-${i.stable}`,
  readCanaryLog: (i) =>
    i.offset === undefined
      ? `edge ${i.edge}: where the canary log ends`
      : `edge ${i.edge}: judge the canary log from byte ${i.offset}`,
  stopCanaryTraffic: (i) => `edge ${i.edge}: every request of ${i.service} to stable (the canary-off marker)`,
  watchCanaryLog: (i) =>
    `edge ${i.edge}: watch the canary log from byte ${i.offset}${secs(i.forMs)}, ending early when it fails`,
  switchEdgeColor: (i) => `switch edge ${i.edge} to ${i.live}`,
  probeEdge: (i) => `GET ${i.path} through edge ${i.edge}`,
  listServiceContainers: (i) => `list the containers of ${i.service}`,
  readEdge: (i) => `read the routes of edge ${i.edge}`,
  smokeCheck: (i) => `smoke check: GET ${i.path} on ${i.name}:${i.port}`,
  waitEdgeDrained: (i) => `wait until edge ${i.edge}'s old workers are done${secs(i.timeoutMs)}`,
  // the rolling update's replicas
  listReplicas: (i) => `list the replicas of ${i.service}`,
  planSpecHashes: (i) => `plan the spec hashes of ${i.service} slots ${i.slots.join(', ')}`,
  removeReplica: (i) => `remove replica ${i.name}`,
  launchReplica: (i) => `launch ${i.name} (${i.spec.image}) and wait until healthy${secs(i.healthTimeoutMs)}`,
  watchHealthy: (i) => `watch ${i.name} stay healthy for ${Math.round(i.durationMs / 1000)} s`,
  restoreReplica: (i) => `restore ${i.name} and wait until healthy${secs(i.healthTimeoutMs)}`,
  startReplicaBeside: (i) => `start ${i.name} beside the replica serving, wait until healthy${secs(i.healthTimeoutMs)}`,
  retireReplica: (i) => `stop ${i.name}, keep it as ${i.keepAs}`,
  handOverReplica: (i) => `hand ${i.name} over to its successor, keep it as ${i.keepAs}`,
  // remediation
  containerCondition: (i) => `look at ${i.name}: running, healthy?`,
  restartIfUnhealthy: (i) => `restart ${i.name} if still unhealthy`,
  disconnectNetworks: (i) => `isolate ${i.name}: disconnect it from its networks`,
  updateMemory: (i) => `raise ${i.name}'s memory limit to ${mib(i.memoryBytes)}`,
  recreateWithMemory: (i) => `recreate ${i.name} with a ${mib(i.limits.memory)} memory limit`,
  unhealthyContainers: (i) => `list unhealthy containers on ${i.host}`,
  // scans
  listScanTargets: (i) => `list containers to scan${i.labels.length ? ` labelled ${i.labels.join(', ')}` : ''}`,
  scanContainer: (i) => `scan ${i.target.name} (${i.target.image}) on ${i.host}`,
  scanImages: (i) => `trivy: ${i.images.length} image(s)${i.sbom ? ' with SBOMs' : ''}`,
  // a waiting fleet's probe
  pingAgent: () => 'is the host agent there? (the fleet waits)',
};

type OrchestratorSide = A.NotifierActivities &
  A.EventActivities &
  A.OrchestratorActivities &
  A.HostRegistryActivities &
  A.ChangeActivities &
  A.AnswerIdentityActivities;

const ORCHESTRATOR_SUMMARIES: Summaries<OrchestratorSide> = {
  notify: (i) => `notify (${i.severity}): ${i.title}`,
  deliverNotification: (i) => `notify ${i.channel} (${i.notification.severity}): ${i.notification.title}`,
  publishEvents: (i) => `publish ${i.events.length} event(s) for the trigger rules`,
  loadScanBaseline: () => 'load the last scan report (the baseline for new/fixed)',
  stageScanPart: (i) => `store part ${i.part} of scan report ${i.reportId} (${i.hosts.length} host(s))`,
  stageScanSbom: (i) => `store the SBOM of ${i.image} for scan report ${i.reportId}`,
  writeScanReport: (i) => `write scan report ${i.reportId} (JSON, SARIF, Markdown)`,
  readScanReportChunk: (i) => `read chunk ${i.chunk} of scan report ${i.reportId} for the CLI`,
  listKnownHosts: () => 'list the known hosts (host registry)',
  runningChanges: (i) => `which of ${list(i.services)} have a change running`,
  answerIdentity: (i) =>
    `who sent this ${i.signal ? `${i.signal.name} signal` : 'update'}: the identity Temporal recorded (read from the history)`,
};

/** The summary of one activity call; a name without an entry (cannot happen for the typed tables)
 * falls back to the name, so a call never fails for want of a summary. */
export function activitySummary(name: string, args: unknown[]): string {
  const table = { ...HOST_SUMMARIES, ...ORCHESTRATOR_SUMMARIES } as Record<string, (input: unknown) => string>;
  const summarize = table[name];
  return summarize ? summarize(args[0]) : name;
}
