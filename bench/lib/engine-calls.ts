import type { temporal } from '@temporalio/proto';

/** One Engine API request as docker-modem's debug output (DEBUG=modem) shows it. */
export interface EngineCall {
  at: number;
  method: string;
  /** The path with ids and names replaced by `{id}`, the query dropped: `/containers/{id}/exec`. */
  route: string;
}

/** The requests in a DEBUG=modem log ("<ISO time> modem Sending: { path: '…', method: '…', … }"). Pure. */
export function engineCallsOf(log: string): EngineCall[] {
  const calls: EngineCall[] = [];
  for (const m of log.matchAll(/^(\S+) modem Sending: \{\s*path: '([^']*)',\s*method: '(\w+)'/gm))
    calls.push({ at: Date.parse(m[1]!), method: m[3]!, route: routeOf(m[2]!) });
  return calls;
}

/** `/containers/ecpu-1-green/json?` → `/containers/{id}/json`. Pure. */
export function routeOf(path: string): string {
  const [base] = path.split('?');
  return base!.replace(/^\/(containers|exec|images|networks)\/(?!json$|create$)[^/]+/, '/$1/{id}');
}

/** The activities of a workflow history ("readEdge #2": its second run) with the time each ran (started →
 * closed, server clock). */
export function activitySpans(events: temporal.api.history.v1.IHistoryEvent[]) {
  const time = (e: temporal.api.history.v1.IHistoryEvent) =>
    Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
  const scheduled = new Map<string, string>();
  const started = new Map<string, number>();
  const spans: Array<{ activity: string; from: number; to: number }> = [];
  for (const e of events) {
    const id = String(e.eventId);
    const a = e.activityTaskScheduledEventAttributes;
    if (a) {
      const name = a.activityType!.name!;
      const nth = [...scheduled.values()].filter((n) => n.split(' #')[0] === name).length + 1;
      scheduled.set(id, `${name} #${nth}`);
    }
    const s = e.activityTaskStartedEventAttributes;
    if (s) started.set(String(s.scheduledEventId), time(e));
    const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    if (done) {
      const key = String(done.scheduledEventId);
      spans.push({ activity: scheduled.get(key)!, from: started.get(key)!, to: time(e) });
    }
  }
  return spans;
}

/** Per activity (in order of first call; calls in overlapping activities go to "a + b"), how many of each
 * request it made: "readEdge: GET /containers/{id}/json ×1, GET /containers/{id}/archive ×1". Pure. */
export function callsPerActivity(calls: EngineCall[], spans: ReturnType<typeof activitySpans>): string[] {
  const per = new Map<string, Map<string, number>>();
  for (const c of calls) {
    const owners = spans.filter((s) => c.at >= s.from - 5 && c.at <= s.to + 5).map((s) => s.activity);
    const owner = owners.length ? [...new Set(owners)].join(' + ') : '(between activities)';
    const counts = per.get(owner) ?? new Map<string, number>();
    per.set(owner, counts);
    const key = `${c.method} ${c.route}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...per].map(([a, counts]) => `${a}: ${[...counts].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
}
