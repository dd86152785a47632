import { describe, expect, it } from 'vitest';
import { declaredColorsOf } from '../../../activities/traffic/edge-state';
import {
  configGeneration,
  generationOf,
  renderCanarySiteConfig,
  canaryLogPath,
} from '../../../activities/traffic/nginx-config';

const at = (weight: number) =>
  renderCanarySiteConfig('web', {
    stable: { color: 'blue', upstream: { host: 'web-blue', port: 8080 } },
    canary: { color: 'green', upstream: { host: 'web-green', port: 8080 } },
    weight,
  });

describe('renderCanarySiteConfig', () => {
  it('splits by weighted round robin, routes testers by header or cookie, logs every attempt', () => {
    const gen = configGeneration('web', [
      { host: 'stable=blue=web-blue', port: 8080 },
      { host: 'canary=green=web-green', port: 8080 },
      { host: 'weight', port: 10 },
    ]);
    expect(at(10)).toBe(
      [
        '# Written by Dockhand for service web (blue-green canary at 10%). Do not edit: the next deploy overwrites it.',
        'upstream dockhand_web_blue {',
        '    server web-blue:8080 max_fails=0;',
        '    keepalive 16;',
        '}',
        'upstream dockhand_web_green {',
        '    server web-green:8080 max_fails=0;',
        '    keepalive 16;',
        '}',
        'upstream dockhand_web_split {',
        '    server web-blue:8080 weight=90 max_fails=0;',
        '    server web-green:8080 weight=10 max_fails=0;',
        '    keepalive 16;',
        '}',
        'map "$http_x_canary:$cookie_dockhand_canary" $dockhand_web_route {',
        '    ~*always dockhand_web_green;',
        '    default dockhand_web_split;',
        '}',
        "log_format dockhand_web_canary '$msec|$upstream_addr|$upstream_status|$upstream_response_time|$status|$request_time';",
        'server {',
        '    listen 80 default_server;',
        '    set $dockhand_live blue;',
        '    set $dockhand_web_to $dockhand_web_route;',
        '    if (-f /etc/nginx/dockhand/web.canary-off) { set $dockhand_web_to dockhand_web_blue; }',
        '    location = /__edge/health { return 200 "ok\\n"; }',
        `    location = /__edge/generation { return 200 "${gen}"; }`,
        '    location = /__edge/live { return 200 "$dockhand_live\\n"; }',
        '    location = /__edge/canary-weight { return 200 "10\\n"; }',
        '    location / {',
        '        access_log /var/log/nginx/dockhand-web.canary.log dockhand_web_canary;',
        '        proxy_pass http://$dockhand_web_to;',
        '        proxy_http_version 1.1;',
        '        proxy_set_header Connection "";',
        '        proxy_set_header Host $host;',
        '        proxy_connect_timeout 10s;',
        '        proxy_next_upstream error timeout http_502 http_503 non_idempotent;',
        '        proxy_next_upstream_tries 3;',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    expect(generationOf(at(10))).toBe(gen);
    expect(canaryLogPath('web')).toBe('/var/log/nginx/dockhand-web.canary.log');
  });

  it('weight 0 sends the split to stable only (testers still reach the canary); 100 to the canary only', () => {
    const split = (text: string) => /upstream dockhand_web_split \{\n([\s\S]*?)\n\}/.exec(text)![1];
    expect(split(at(0))).toBe('    server web-blue:8080 weight=100 max_fails=0;\n    keepalive 16;');
    expect(split(at(100))).toBe('    server web-green:8080 weight=100 max_fails=0;\n    keepalive 16;');
    expect(at(0)).toContain('~*always dockhand_web_green;');
  });

  it('another weight is another generation (the reload waits until it is served)', () => {
    expect(generationOf(at(10))).not.toBe(generationOf(at(50)));
  });

  it('declares both colors, as a blue-green config does', () => {
    expect(declaredColorsOf(at(10))).toEqual(['blue', 'green']);
  });

  it('refuses a weight outside 0..100 and one color for both', () => {
    expect(() => at(101)).toThrow('weight 101 is not 0..100');
    expect(() =>
      renderCanarySiteConfig('web', {
        stable: { color: 'blue', upstream: { host: 'web-blue', port: 80 } },
        canary: { color: 'blue', upstream: { host: 'web-blue', port: 80 } },
        weight: 5,
      }),
    ).toThrow('stable and canary of web are both blue');
  });
});
