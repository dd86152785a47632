import { createHash } from 'node:crypto';

/** One Docker Engine event as Dockhand queues it (the subset rules match on). */
export interface EngineEvent {
  /** Where the event came from: the engine's stream, the health sweep (or the agent's reconcile), the
   * agent's memory sampling, a security scan, or a synthetic source (bench). */
  source: 'engine' | 'sweep' | 'stats' | 'scan' | 'synthetic';
  host: string;
  type: 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'plugin' | 'service' | 'node' | 'secret' | 'config';
  /** The action without its detail: "health_status", "die", "oom", "start", "destroy". */
  action: string;
  /** The detail after "health_status: " ("unhealthy", "healthy"), when there is one. */
  status?: string;
  /** The actor: container id, image id or network id. */
  id: string;
  /** Container name (without "/"), image or network name. */
  name?: string;
  /** The actor's labels (containers: all labels). */
  labels: Record<string, string>;
  /** Scan finding ids (CIS-5.4, …) on a scan_finding event. */
  findings?: string[];
  /** Exit code on "die". */
  exitCode?: number;
  /** Memory sample of a "memory_pressure" event (source "stats"): usage and the limit it was measured against. */
  memory?: { usageBytes: number; limitBytes: number };
  /** Nanoseconds since the epoch, as a decimal string (exceeds 2^53). */
  timeNano: string;
}

/** The Engine's JSON event message (API 1.41), as far as Dockhand reads it. */
export interface DockerEventMessage {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number | string;
}

/** Attributes the engine mixes into a container's labels. */
const NON_LABEL_ATTRIBUTES = new Set(['name', 'image', 'exitCode', 'signal', 'execID', 'container', 'type', 'driver']);

export function fromDockerMessage(host: string, m: DockerEventMessage): EngineEvent | undefined {
  if (!m.Type || !m.Action || !m.Actor?.ID) return undefined;
  const [action, ...rest] = m.Action.split(':');
  const status = rest.join(':').trim() || undefined;
  const attrs = m.Actor.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (!NON_LABEL_ATTRIBUTES.has(k)) labels[k] = v;
  const exitCode = attrs.exitCode !== undefined ? Number(attrs.exitCode) : undefined;
  return {
    source: 'engine',
    host,
    type: m.Type as EngineEvent['type'],
    action: action!.trim(),
    ...(status ? { status } : {}),
    id: m.Actor.ID,
    ...(attrs.name ? { name: attrs.name } : {}),
    labels,
    ...(exitCode !== undefined && Number.isFinite(exitCode) ? { exitCode } : {}),
    timeNano: String(m.timeNano ?? (m.time ?? 0) * 1e9),
  };
}

/** The BullMQ job id of an event: the same event read twice (replay after a restart, `since`
 * overlap after a reconnect) gets the same id, and BullMQ keeps one job per id. */
export function engineEventJobId(e: EngineEvent): string {
  // A memory sample: one job per container and limit, so pressure at one limit is reported once (a
  // raise gives a new limit, hence a new id; a container at its ceiling is reported once).
  if (e.source === 'stats' && e.memory) return `stats-${e.host}-${e.id.slice(0, 12)}-${e.memory.limitBytes}`;
  const digest = createHash('sha256')
    .update([e.host, e.type, e.id, e.action, e.status ?? '', e.timeNano].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
  return `${e.source}-${e.host}-${e.timeNano}-${digest}`;
}

/** Engine `since`/`until` take "seconds.nanoseconds". */
export function sinceParam(timeNano: string): string {
  const padded = timeNano.padStart(10, '0');
  return `${padded.slice(0, -9) || '0'}.${padded.slice(-9)}`;
}

/** Orders two nanosecond strings (BigInt: they exceed 2^53). */
export function laterNano(a: string | undefined | null, b: string): string {
  if (!a) return b;
  return BigInt(a) >= BigInt(b) ? a : b;
}
