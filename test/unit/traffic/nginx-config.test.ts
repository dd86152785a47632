import { describe, expect, it } from 'vitest';
import { declaredColorsOf, servingHostsOf } from '../../../activities/traffic/edge-state';
import {
  colorUpstreamName,
  configGeneration,
  generationOf,
  liveMarkerPath,
  markerOf,
  renderColorSiteConfig,
  renderSiteConfig,
  upstreamName,
} from '../../../activities/traffic/nginx-config';

describe('renderSiteConfig', () => {
  it('renders one upstream with every backend and a generation marker', () => {
    const upstreams = [
      { host: 'web-1', port: 8080 },
      { host: 'web-2', port: 8080 },
    ];
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
    expect(configGeneration('web', [{ host: 'web-blue', port: 8080 }])).not.toBe(
      configGeneration('web', [{ host: 'web-green', port: 8080 }]),
    );
    expect(configGeneration('web', [{ host: 'a', port: 1 }])).toBe(configGeneration('web', [{ host: 'a', port: 1 }]));
    expect(generationOf('server { listen 80; }')).toBeUndefined();
  });
  it('answers 503 with no upstream (never a config naming a removed replica) and sanitises upstream names', () => {
    expect(renderSiteConfig('web', [])).toBe(
      [
        '# Written by Dockhand for service web: no replica serves. Do not edit: the next deploy overwrites it.',
        'server {',
        '    listen 80 default_server;',
        '    location = /__edge/health { return 200 "ok\\n"; }',
        `    location = /__edge/generation { return 200 "${configGeneration('web', [])}"; }`,
        '    location / { return 503 "no replica of web serves\\n"; }',
        '}',
        '',
      ].join('\n'),
    );
    expect(upstreamName('my-app.v2')).toBe('dockhand_my_app_v2');
  });
});

describe('renderColorSiteConfig', () => {
  const blue = { color: 'blue' as const, upstream: { host: 'web-blue', port: 8080 } };
  const green = { color: 'green' as const, upstream: { host: 'web-green', port: 8080 } };
  const proxy = (target: string) => [
    '    location / {',
    `        proxy_pass ${target};`,
    '        proxy_http_version 1.1;',
    '        proxy_set_header Connection "";',
    '        proxy_set_header Host $host;',
    '        proxy_connect_timeout 10s;',
    '        proxy_next_upstream error timeout http_502 http_503 non_idempotent;',
    '        proxy_next_upstream_tries 3;',
    '    }',
  ];

  it('with both colors, picks the live one per request from the marker file', () => {
    const gen = configGeneration('web', [
      { host: 'blue=web-blue', port: 8080 },
      { host: 'green=web-green', port: 8080 },
    ]);
    const text = renderColorSiteConfig('web', [green, blue]);
    expect(text).toBe(
      [
        '# Written by Dockhand for service web (blue-green). Do not edit: the next deploy overwrites it.',
        'upstream dockhand_web_blue {',
        '    server web-blue:8080 max_fails=0;',
        '    keepalive 16;',
        '}',
        'upstream dockhand_web_green {',
        '    server web-green:8080 max_fails=0;',
        '    keepalive 16;',
        '}',
        'server {',
        '    listen 80 default_server;',
        '    set $dockhand_live blue;',
        '    if (-f /etc/nginx/dockhand/web.green-live) { set $dockhand_live green; }',
        '    location = /__edge/health { return 200 "ok\\n"; }',
        `    location = /__edge/generation { return 200 "${gen}"; }`,
        '    location = /__edge/live { return 200 "$dockhand_live\\n"; }',
        ...proxy('http://dockhand_web_$dockhand_live'),
        '}',
        '',
      ].join('\n'),
    );
    expect(markerOf(text)).toBe(liveMarkerPath('web'));
    expect(generationOf(text)).toBe(gen);
  });

  it('with one color, routes to it whatever the marker says', () => {
    const gen = configGeneration('web', [{ host: 'green=web-green', port: 8080 }]);
    expect(renderColorSiteConfig('web', [green])).toBe(
      [
        '# Written by Dockhand for service web (blue-green). Do not edit: the next deploy overwrites it.',
        'upstream dockhand_web_green {',
        '    server web-green:8080 max_fails=0;',
        '    keepalive 16;',
        '}',
        'server {',
        '    listen 80 default_server;',
        '    set $dockhand_live green;',
        '    location = /__edge/health { return 200 "ok\\n"; }',
        `    location = /__edge/generation { return 200 "${gen}"; }`,
        '    location = /__edge/live { return 200 "$dockhand_live\\n"; }',
        ...proxy('http://dockhand_web_green'),
        '}',
        '',
      ].join('\n'),
    );
    expect(markerOf(renderColorSiteConfig('web', [green]))).toBeUndefined();
  });

  it('refuses no color or a color twice; names upstreams and markers per service', () => {
    expect(() => renderColorSiteConfig('web', [])).toThrow('no color for web');
    expect(() => renderColorSiteConfig('web', [blue, blue])).toThrow('a color of web is given twice');
    expect([colorUpstreamName('my-app.v2', 'green'), liveMarkerPath('my-app.v2')]).toEqual([
      'dockhand_my_app_v2_green',
      '/etc/nginx/dockhand/my-app.v2.green-live',
    ]);
  });
});

describe('what an edge config routes to', () => {
  const both = renderColorSiteConfig('web', [
    { color: 'blue', upstream: { host: 'web-blue', port: 8080 } },
    { color: 'green', upstream: { host: 'web-green', port: 8080 } },
  ]);
  it('two colors: the marker decides', () => {
    expect(servingHostsOf(both, false)).toEqual(['web-blue']);
    expect(servingHostsOf(both, true)).toEqual(['web-green']);
    expect(declaredColorsOf(both)).toEqual(['blue', 'green']);
  });
  it('one color, a rolling config, the default config', () => {
    expect(
      servingHostsOf(
        renderColorSiteConfig('web', [{ color: 'green', upstream: { host: 'web-green', port: 8080 } }]),
        false,
      ),
    ).toEqual(['web-green']);
    const rolling = renderSiteConfig('web', [
      { host: 'web-1', port: 8080 },
      { host: 'web-2', port: 8080 },
    ]);
    expect([servingHostsOf(rolling, false), declaredColorsOf(rolling)]).toEqual([['web-1', 'web-2'], []]);
    expect(
      servingHostsOf(
        'server {\n  listen 80 default_server;\n  location / { return 503 "no upstream yet\\n"; }\n}\n',
        false,
      ),
    ).toEqual([]);
  });
});
