/** Where Dockhand writes the edge's site config inside the nginx container. */
export const EDGE_SITE_PATH = '/etc/nginx/conf.d/default.conf';

export interface Upstream { host: string; port: number }

/**
 * The edge's site config for one service: an upstream with every live backend, proxied on :80.
 * Pure text (tested by exact equality). `max_fails=0` keeps nginx from benching a backend for a
 * failed request during a switch; `proxy_next_upstream` retries the next backend instead, so a
 * replica leaving never surfaces as a client error; a long connect timeout keeps a backend that is
 * only slow (a busy host) from surfacing as one either.
 */
export function renderSiteConfig(service: string, upstreams: Upstream[]): string {
  if (upstreams.length === 0) throw new Error(`no upstream for ${service}: an edge must point somewhere`);
  const servers = upstreams.map((u) => `    server ${u.host}:${u.port} max_fails=0;`).join('\n');
  const generation = configGeneration(service, upstreams);
  return [
    `# Written by Dockhand for service ${service}. Do not edit: the next deploy overwrites it.`,
    `upstream ${upstreamName(service)} {`,
    servers,
    `    keepalive 16;`,
    `}`,
    `server {`,
    `    listen 80 default_server;`,
    `    location = /__edge/health { return 200 "ok\\n"; }`,
    // Lets Dockhand see when a reload has taken effect (nginx -s reload returns before it has).
    `    location = /__edge/generation { return 200 "${generation}"; }`,
    `    location / {`,
    `        proxy_pass http://${upstreamName(service)};`,
    `        proxy_http_version 1.1;`,
    `        proxy_set_header Connection "";`,
    `        proxy_set_header Host $host;`,
    // A backend starved of CPU (busybox httpd's listen backlog is 9) drops SYNs; the kernel resends
    // them after 1, 3 and 7 s. 10 s rides that out instead of answering 504 (the image's default is 2 s).
    `        proxy_connect_timeout 10s;`,
    `        proxy_next_upstream error timeout http_502 http_503 non_idempotent;`,
    `        proxy_next_upstream_tries 3;`,
    `    }`,
    `}`,
    ``,
  ].join('\n');
}

export function upstreamName(service: string): string {
  return `dockhand_${service.replace(/[^a-zA-Z0-9_]/g, '_')}`;
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
