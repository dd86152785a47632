import { describe, expect, it } from 'vitest';
import { configGeneration, generationOf, renderSiteConfig, upstreamName } from '../../../activities/traffic/nginx-config';

describe('renderSiteConfig', () => {
  it('renders one upstream with every backend and a generation marker', () => {
    const upstreams = [{ host: 'web-1', port: 8080 }, { host: 'web-2', port: 8080 }];
    const gen = configGeneration('web', upstreams);
    expect(renderSiteConfig('web', upstreams)).toBe(
      [
        '# Written by Dockhand for service web. Do not edit: the next deploy overwrites it.',
        'upstream dockhand_web {',
        '    server web-1:8080 max_fails=0;',
        '    server web-2:8080 max_fails=0;',
        '    keepalive 16;',
        '}',
        'server {',
        '    listen 80 default_server;',
        '    location = /__edge/health { return 200 "ok\\n"; }',
        `    location = /__edge/generation { return 200 "${gen}"; }`,
        '    location / {',
        '        proxy_pass http://dockhand_web;',
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
    expect(generationOf(renderSiteConfig('web', upstreams))).toBe(gen);
  });
  it('gives another generation for other backends, the same for the same', () => {
    expect(configGeneration('web', [{ host: 'web-blue', port: 8080 }])).not.toBe(configGeneration('web', [{ host: 'web-green', port: 8080 }]));
    expect(configGeneration('web', [{ host: 'a', port: 1 }])).toBe(configGeneration('web', [{ host: 'a', port: 1 }]));
    expect(generationOf('server { listen 80; }')).toBeUndefined();
  });
  it('refuses an empty upstream list and sanitises upstream names', () => {
    expect(() => renderSiteConfig('web', [])).toThrow('no upstream for web');
    expect(upstreamName('my-app.v2')).toBe('dockhand_my_app_v2');
  });
});
