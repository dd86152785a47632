/** Where Dockhand writes the edge's site config inside the nginx container. */
export const EDGE_SITE_PATH = '/etc/nginx/conf.d/default.conf';
/** Where the blue-green live-color markers live inside the edge (one file per service). */
export const EDGE_MARKER_DIR = '/etc/nginx/dockhand';

export interface Upstream {
  host: string;
  port: number;
}
export type EdgeColor = 'blue' | 'green';

/**
 * The edge's site config for one service: an upstream with every live backend, proxied on :80 (the
 * rolling update's config); with no backend at all, every request gets 503 (nginx cannot declare an
 * empty upstream, and a config naming a removed container would not even load). Pure text (tested by
 * exact equality).
 */
export function renderSiteConfig(service: string, upstreams: Upstream[]): string {
  if (upstreams.length === 0)
    return [
      `# Written by Dockhand for service ${service}: no replica serves. Do not edit: the next deploy overwrites it.`,
      `server {`,
      `    listen 80 default_server;`,
      ...edgeLocations(configGeneration(service, upstreams)),
      `    location / { return 503 "no replica of ${service} serves\\n"; }`,
      `}`,
      ``,
    ].join('\n');
  return [
    `# Written by Dockhand for service ${service}. Do not edit: the next deploy overwrites it.`,
    ...upstreamBlock(upstreamName(service), upstreams),
    `server {`,
    `    listen 80 default_server;`,
    ...edgeLocations(configGeneration(service, upstreams)),
    ...proxyLocation(`http://${upstreamName(service)}`),
    `}`,
    ``,
  ].join('\n');
}

/**
 * The blue-green site config: one upstream per color that exists (nginx resolves container names
 * when it loads a config, so a config may only name containers that run). With both colors, nginx
 * picks the color PER REQUEST from a marker file — green while `liveMarkerPath(service)` exists,
 * blue otherwise — so a switch is one file creation or removal: atomic, no reload, and every worker
 * (old or new) agrees at every instant. With one color, that color serves whatever the marker says.
 * `proxy_pass` with a variable that names a declared upstream needs no resolver (nginx looks the
 * name up among its upstream blocks first). Pure text (tested by exact equality).
 */
export function renderColorSiteConfig(
  service: string,
  colors: Array<{ color: EdgeColor; upstream: Upstream }>,
): string {
  if (colors.length === 0) throw new Error(`no color for ${service}: an edge must point somewhere`);
  if (new Set(colors.map((c) => c.color)).size !== colors.length)
    throw new Error(`a color of ${service} is given twice`);
  const sorted = [...colors].sort((a, b) => a.color.localeCompare(b.color));
  const both = sorted.length === 2;
  const generation = configGeneration(
    service,
    sorted.map((c) => ({ host: `${c.color}=${c.upstream.host}`, port: c.upstream.port })),
  );
  return [
    `# Written by Dockhand for service ${service} (blue-green). Do not edit: the next deploy overwrites it.`,
    ...sorted.flatMap((c) => upstreamBlock(colorUpstreamName(service, c.color), [c.upstream])),
    `server {`,
    `    listen 80 default_server;`,
    ...(both
      ? [
          // Evaluated for every request, so the switch takes effect between one request and the next.
          `    set $dockhand_live blue;`,
          `    if (-f ${liveMarkerPath(service)}) { set $dockhand_live green; }`,
        ]
      : [`    set $dockhand_live ${sorted[0]!.color};`]),
    ...edgeLocations(generation),
    `    location = /__edge/live { return 200 "$dockhand_live\\n"; }`,
    ...proxyLocation(
      both
        ? `http://${upstreamName(service)}_$dockhand_live`
        : `http://${colorUpstreamName(service, sorted[0]!.color)}`,
    ),
    `}`,
    ``,
  ].join('\n');
}

/** Where the edge logs a canary's requests (one file per service; read by offset, see edge-canary.ts). */
export function canaryLogPath(service: string): string {
  return `/var/log/nginx/dockhand-${service.replace(/[^a-zA-Z0-9_.-]/g, '_')}.canary.log`;
}

/** One line per request: every upstream attempt's address, status and response time (nginx lists them
 * with ", "), then the answer's status and the request time. Parsed by common/canary-analysis.ts. */
const CANARY_LOG_FORMAT = '$msec|$upstream_addr|$upstream_status|$upstream_response_time|$status|$request_time';

/** The cookie that sends a tester to the canary at any weight (0 included); the header is X-Canary
 * (`$http_x_canary` in the map below). */
const CANARY_COOKIE = 'dockhand_canary';

/**
 * The canary site config: both colors declared, and requests split between them by nginx's weighted
 * round robin (`weight` of every 100 to the canary, smooth: 10 % is one request in ten) — with weight
 * 0 only stable serves. `X-Canary: always` (or the cookie `dockhand_canary=always`) reaches the canary
 * whatever the weight. Every request is logged with its upstream attempts for the analysis. Changing
 * the weight is a graceful reload; an abort is quicker — while `canaryOffMarkerPath(service)` exists,
 * every request goes to stable (read per request, like the blue-green marker: no reload). Pure text (tested by exact equality).
 */
export function renderCanarySiteConfig(
  service: string,
  o: {
    stable: { color: EdgeColor; upstream: Upstream };
    canary: { color: EdgeColor; upstream: Upstream };
    weight: number;
  },
): string {
  const { stable, canary, weight } = o;
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw new Error(`weight ${weight} is not 0..100`);
  if (stable.color === canary.color) throw new Error(`stable and canary of ${service} are both ${stable.color}`);
  const base = upstreamName(service);
  const split = `${base}_split`;
  const route = `$${base}_route`;
  const to = `$${base}_to`;
  const server = (u: Upstream, w: number) => `    server ${u.host}:${u.port} weight=${w} max_fails=0;`;
  const generation = configGeneration(service, [
    { host: `stable=${stable.color}=${stable.upstream.host}`, port: stable.upstream.port },
    { host: `canary=${canary.color}=${canary.upstream.host}`, port: canary.upstream.port },
    { host: `weight`, port: weight },
  ]);
  return [
    `# Written by Dockhand for service ${service} (blue-green canary at ${weight}%). Do not edit: the next deploy overwrites it.`,
    ...[stable, canary]
      .sort((a, b) => a.color.localeCompare(b.color))
      .flatMap((c) => upstreamBlock(colorUpstreamName(service, c.color), [c.upstream])),
    `upstream ${split} {`,
    ...(weight < 100 ? [server(stable.upstream, 100 - weight)] : []),
    ...(weight > 0 ? [server(canary.upstream, weight)] : []),
    `    keepalive 16;`,
    `}`,
    // Testers reach the canary by header or cookie; everyone else goes through the split.
    `map "$http_x_canary:$cookie_${CANARY_COOKIE}" ${route} {`,
    `    ~*always ${colorUpstreamName(service, canary.color)};`,
    `    default ${split};`,
    `}`,
    `log_format ${base}_canary '${CANARY_LOG_FORMAT}';`,
    `server {`,
    `    listen 80 default_server;`,
    `    set $dockhand_live ${stable.color};`,
    // An abort sends every request to stable at once, before the reload: one file, read per request.
    `    set ${to} ${route};`,
    `    if (-f ${canaryOffMarkerPath(service)}) { set ${to} ${colorUpstreamName(service, stable.color)}; }`,
    ...edgeLocations(generation),
    `    location = /__edge/live { return 200 "$dockhand_live\\n"; }`,
    `    location = /__edge/canary-weight { return 200 "${weight}\\n"; }`,
    ...proxyLocation(`http://${to}`).flatMap((l, i) =>
      i === 0 ? [l, `        access_log ${canaryLogPath(service)} ${base}_canary;`] : [l],
    ),
    `}`,
    ``,
  ].join('\n');
}

function upstreamBlock(name: string, upstreams: Upstream[]): string[] {
  // `max_fails=0` keeps nginx from benching a backend for a failed request during a switch.
  return [
    `upstream ${name} {`,
    ...upstreams.map((u) => `    server ${u.host}:${u.port} max_fails=0;`),
    `    keepalive 16;`,
    `}`,
  ];
}

function edgeLocations(generation: string): string[] {
  return [
    `    location = /__edge/health { return 200 "ok\\n"; }`,
    // Lets Dockhand see which config the workers serve (nginx -s reload returns before they do).
    `    location = /__edge/generation { return 200 "${generation}"; }`,
  ];
}

/** `proxy_next_upstream` retries the next backend, so a replica leaving never surfaces as a client
 * error; a long connect timeout keeps a backend that is only slow (a busy host) from surfacing as one
 * either. The rolling bench's Swarm peer serves through the same settings (bench/rolling.ts). */
export function proxyLocation(target: string): string[] {
  return [
    `    location / {`,
    `        proxy_pass ${target};`,
    `        proxy_http_version 1.1;`,
    `        proxy_set_header Connection "";`,
    `        proxy_set_header Host $host;`,
    // A backend starved of CPU (busybox httpd's listen backlog is 9) drops SYNs; the kernel resends
    // them after 1, 3 and 7 s. 10 s rides that out instead of answering 504 (the image's default is 2 s).
    `        proxy_connect_timeout 10s;`,
    `        proxy_next_upstream error timeout http_502 http_503 non_idempotent;`,
    `        proxy_next_upstream_tries 3;`,
    `    }`,
  ];
}

export function upstreamName(service: string): string {
  return `dockhand_${service.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** The upstream of one color: `dockhand_<service>_<color>`. */
export function colorUpstreamName(service: string, color: EdgeColor): string {
  return `${upstreamName(service)}_${color}`;
}

/** The file whose existence makes green the live color of `service` (while the config names both). */
export function liveMarkerPath(service: string): string {
  return `${EDGE_MARKER_DIR}/${service.replace(/[^a-zA-Z0-9_.-]/g, '_')}.green-live`;
}

/** The file whose existence sends every request of a canary config to stable (the abort's first
 * undo, stopCanaryTraffic; configureEdgeCanary removes a stale one). */
export function canaryOffMarkerPath(service: string): string {
  return `${EDGE_MARKER_DIR}/${service.replace(/[^a-zA-Z0-9_.-]/g, '_')}.canary-off`;
}

/** A short fingerprint of what the config routes to (FNV-1a), served at /__edge/generation. */
export function configGeneration(service: string, upstreams: Upstream[]): string {
  let h = 0x811c9dc5;
  for (const ch of `${service}|${upstreams.map((u) => `${u.host}:${u.port}`).join(',')}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The generation a config text declares, if any. */
export function generationOf(config: string): string | undefined {
  return /location = \/__edge\/generation \{ return 200 "([0-9a-f]+)"; \}/.exec(config)?.[1];
}

/** The marker file a config consults, if it names two colors. */
export function markerOf(config: string): string | undefined {
  return /^\s*if \(-f (\S+)\) \{ set \$dockhand_live green; \}/m.exec(config)?.[1];
}
