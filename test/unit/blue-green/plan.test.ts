import { describe, expect, it } from 'vitest';
import { approvalDetails, deployTimings, planBlueGreen, type ServiceContainer } from '../../../common/blue-green-plan';
import { BlueGreenInput } from '../../../common/blue-green';
import { validate } from '../../../common/spec/validate';
import { upstreamHostsOf } from '../../../activities/traffic/edge-state';
import { edgeDrained } from '../../../activities/traffic/edge-drain';
import { renderSiteConfig } from '../../../activities/traffic/nginx-config';

const c = (name: string, color?: 'blue' | 'green', image = 'app:v1', running = true): ServiceContainer => ({
  name,
  image,
  running,
  ...(color ? { color } : {}),
});

describe('planBlueGreen', () => {
  it('starts blue on a first deploy', () => {
    expect(planBlueGreen('web', [], [])).toEqual({ next: { color: 'blue', name: 'web-blue' } });
  });

  it('brings up the other color of the one the edge routes to', () => {
    expect(planBlueGreen('web', [c('web-blue', 'blue')], ['web-blue'])).toEqual({
      live: { color: 'blue', name: 'web-blue', image: 'app:v1' },
      next: { color: 'green', name: 'web-green' },
    });
    expect(planBlueGreen('web', [c('web-green', 'green', 'app:v2')], ['web-green'])).toEqual({
      live: { color: 'green', name: 'web-green', image: 'app:v2' },
      next: { color: 'blue', name: 'web-blue' },
    });
  });

  it('takes a single colored container as live when the edge routes to none (edge lost)', () => {
    expect(planBlueGreen('web', [c('web-green', 'green')], [])).toEqual({
      live: { color: 'green', name: 'web-green', image: 'app:v1' },
      next: { color: 'blue', name: 'web-blue' },
    });
  });

  it('marks a leftover of the next color (a terminated deploy) for removal, never the live one', () => {
    const plan = planBlueGreen('web', [c('web-blue', 'blue'), c('web-green', 'green', 'app:v2', false)], ['web-blue']);
    expect(plan).toEqual({
      live: { color: 'blue', name: 'web-blue', image: 'app:v1' },
      next: { color: 'green', name: 'web-green' },
      leftover: 'web-green',
    });
  });

  it('ignores containers without a color (the edge, helpers)', () => {
    expect(planBlueGreen('web', [c('web-edge'), c('web-blue', 'blue')], ['web-blue']).next).toEqual({
      color: 'green',
      name: 'web-green',
    });
  });

  it('refuses to guess between two colors the edge does not tell apart', () => {
    expect(() => planBlueGreen('web', [c('web-blue', 'blue'), c('web-green', 'green')], [])).toThrow(
      'web has web-blue and web-green and its edge routes to neither',
    );
    expect(() =>
      planBlueGreen('web', [c('web-blue', 'blue'), c('web-green', 'green')], ['web-blue', 'web-green']),
    ).toThrow('routes to web-blue and web-green at once');
  });
});

describe('upstreamHostsOf', () => {
  it('reads back the hosts of a config Dockhand wrote', () => {
    expect(
      upstreamHostsOf(
        renderSiteConfig('web', [
          { host: 'web-green', port: 8080 },
          { host: 'web-3', port: 80 },
        ]),
      ),
    ).toEqual(['web-green', 'web-3']);
  });
  it('finds none in the edge image default config', () => {
    expect(
      upstreamHostsOf('server {\n  listen 80 default_server;\n  location / { return 503 "no upstream yet\\n"; }\n}\n'),
    ).toEqual([]);
  });
});

describe('BlueGreenInput', () => {
  const base = { service: 'web', host: 'h1', spec: { image: 'app:v2' } };

  it('fills defaults: network <service>-net, edge <service>-edge, approval required, 5 min bake', () => {
    const input = validate(BlueGreenInput, base, 'input');
    expect(input.spec.network).toBe('web-net');
    expect(input.edge).toEqual({ name: 'web-edge', image: 'dockhand-edge:1', port: 0, hostIp: '127.0.0.1' });
    expect(input.approval).toEqual({
      required: true,
      timeoutMs: 1_800_000,
      approvers: [],
      requiredApprovals: 1,
      allowSelfApproval: false,
      allowUnidentified: false,
      systemIdentities: [],
    });
    expect([input.bakeMs, input.healthTimeoutMs, input.appPort, input.oldColorDuringBake, input.verifyPath]).toEqual([
      300_000,
      60_000,
      80,
      'running',
      '/',
    ]);
  });

  it('validates to itself again (the client validates, then the workflow)', () => {
    const once = validate(BlueGreenInput, { ...base, bakeMs: '30s' }, 'input');
    expect(validate(BlueGreenInput, once, 'input')).toEqual(once);
  });

  it('refuses a network the edge cannot resolve names on, naming the field', () => {
    expect(() => validate(BlueGreenInput, { ...base, spec: { image: 'app:v2', network: 'bridge' } }, 'input')).toThrow(
      'input.spec.network',
    );
  });

  it('refuses unknown keys and bad values, naming the field', () => {
    expect(() => validate(BlueGreenInput, { ...base, bake: 5 }, 'input')).toThrow('bake');
    expect(() => validate(BlueGreenInput, { ...base, smoke: { path: 'health' } }, 'input')).toThrow('input.smoke.path');
    expect(() => validate(BlueGreenInput, { ...base, oldColorDuringBake: 'paused' }, 'input')).toThrow(
      'input.oldColorDuringBake',
    );
  });
});

describe('approvalDetails', () => {
  it('says what waits, what changes and how to answer from the UI and the CLI', () => {
    const text = approvalDetails({
      service: 'web',
      workflowId: 'deploy/web',
      oldImage: 'app:v1',
      oldColor: 'blue',
      newImage: 'app:v2',
      newColor: 'green',
      timeoutAt: '2026-01-01T00:30:00.000Z',
      approvers: ['alice'],
    });
    expect(text).toBe(
      [
        'deploy of web waits for approval: app:v1 (blue) → app:v2 (green, healthy, not yet serving). Only alice may answer.',
        'Approve: "Send a Signal" → name `approve`, input `{"comment": "<why>"}` (you are who Temporal records: the UI\'s login) — or `dockhand approve web` (as $DOCKHAND_USER).',
        'Reject: signal `reject` with the same input — or `dockhand reject web --comment "<why>"`. Answers that do not count are listed below.',
        'Without an answer by 2026-01-01T00:30:00.000Z the deploy is rejected. Workflow: deploy/web.',
      ].join('\n\n'),
    );
  });
});

describe('edgeDrained', () => {
  it('is false while an old nginx worker finishes its requests', () => {
    expect(
      edgeDrained([
        'nginx: master process /usr/sbin/nginx -g daemon off;',
        'nginx: worker process is shutting down',
        'nginx: worker process',
      ]),
    ).toBe(false);
    expect(edgeDrained(['nginx: master process /usr/sbin/nginx -g daemon off;', 'nginx: worker process'])).toBe(true);
  });
});

describe('deployTimings', () => {
  it('measures each stage between the moments of the deploy', () => {
    expect(
      deployTimings({ startedAt: 0, greenHealthyAt: 1_000, approvedAt: 3_000, switchedAt: 3_500, finishedAt: 9_000 }),
    ).toEqual({
      totalMs: 9_000,
      greenUpMs: 1_000,
      approvalMs: 2_000,
      switchMs: 500,
      greenHealthyAt: '1970-01-01T00:00:01.000Z',
      switchStartedAt: '1970-01-01T00:00:03.000Z',
      switchedAt: '1970-01-01T00:00:03.500Z',
    });
  });
});
