import { describe, expect, it } from 'vitest';
import { resolveDeploy, ServiceFileError, describeOverrides } from '../../../common/service-file/resolve';
import { ServiceFile, type ServiceFileInput } from '../../../common/service-file/schema';

const origin = { source: 'cli' as const, requestedBy: 'dana' };
const file = (f: ServiceFileInput) => ServiceFile.parse(f);
const base: ServiceFileInput = {
  hosts: { h1: null, h2: null },
  defaults: { approval: { timeout: '10m', approvers: ['ops'] }, bake: '1m', edge: { image: 'edge:2' } },
  services: {
    api: {
      image: 'registry:5000/api:v1',
      hosts: ['h1'],
      port: 8080,
      edge: { port: 8443 },
      container: { env: { LOG: 'info' }, init: true },
    },
    web: {
      image: 'web:v1',
      hosts: ['h1', 'h2'],
      strategy: 'rolling',
      rolling: { replicas: 3, order: 'start-first', canaryBatches: 1 },
      approval: { required: true },
    },
  },
};

function issues(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ServiceFileError) return e.issues;
    throw e;
  }
  throw new Error('expected a ServiceFileError');
}

describe('resolveDeploy: the service file into a deploy workflow input', () => {
  it('blue-green: defaults merged field by field, the service wins, the origin records nothing overridden', () => {
    const r = resolveDeploy(file(base), 'api', { origin });
    expect(r.strategy).toBe('blue-green');
    expect(r.workflowType).toBe('blueGreenDeploy');
    expect(r.host).toBe('h1');
    expect(r.input).toMatchObject({
      service: 'api',
      host: 'h1',
      appPort: 8080,
      bakeMs: 60_000,
      approval: { required: true, timeoutMs: 600_000, approvers: ['ops'] },
      edge: { image: 'edge:2', port: 8443, hostIp: '127.0.0.1', name: 'api-edge' },
      spec: { image: 'registry:5000/api:v1', env: { LOG: 'info' }, init: true, network: 'api-net' },
      origin: { source: 'cli', requestedBy: 'dana', overrides: [] },
    });
  });

  it('one run may override single fields; the origin lists them', () => {
    const r = resolveDeploy(file(base), 'api', {
      image: 'registry:5000/api:v2',
      overrides: { bake: '0s', container: { env: { LOG: 'debug' } }, approval: { required: false } },
      origin,
    });
    expect(r.input.spec).toMatchObject({ image: 'registry:5000/api:v2', env: { LOG: 'debug' }, init: true });
    expect(r.input).toMatchObject({ bakeMs: 0, approval: { required: false, approvers: ['ops'] } });
    expect(r.input.origin!.overrides).toEqual([
      'image=registry:5000/api:v2',
      'bake=0',
      'container.env.LOG=debug',
      'approval.required=false',
    ]);
  });

  it('rolling: the canary pauses under the service approval; the edge publishes the file port', () => {
    const r = resolveDeploy(
      file({ ...base, services: { ...base.services, web: { ...base.services.web!, edge: { port: 8081 } } } }),
      'web',
      {
        host: 'h2',
        origin,
      },
    );
    expect(r.workflowType).toBe('rollingUpdate');
    expect(r.input).toMatchObject({
      host: 'h2',
      replicas: 3,
      order: 'start-first',
      pauseAfter: { batches: 1, approval: { required: true, timeoutMs: 600_000, approvers: ['ops'] } },
      edge: { image: 'edge:2', targetPort: 80, ports: [{ container: 80, host: 8081, protocol: 'tcp' }] },
    });
  });

  it('rolling on several hosts without one named: one fleet rollout; its canary is ONE approval after the first wave', () => {
    const f = file({
      ...base,
      services: {
        ...base.services,
        web: {
          ...base.services.web!,
          rolling: { ...base.services.web!.rolling, maxHostsAtOnce: '50%' },
          hostLoss: { timeout: '20s' },
        },
      },
    });
    const r = resolveDeploy(f, 'web', { origin });
    expect(r.workflowType).toBe('fleetRollingUpdate');
    if (r.workflowType !== 'fleetRollingUpdate') throw new Error('not a fleet rollout');
    expect(r.host).toBe('h1,h2');
    expect(r.input).toMatchObject({
      service: 'web',
      hosts: ['h1', 'h2'],
      replicas: 3,
      order: 'start-first',
      maxHostsAtOnce: '50%',
      hostLoss: { timeout: 20_000, policy: 'rollback' },
      approval: { required: true, timeoutMs: 600_000, approvers: ['ops'] },
    });
    expect('host' in r.input || 'pauseAfter' in r.input).toBe(false);
    const bad = file({
      ...base,
      services: {
        web: {
          image: 'web:v1',
          hosts: ['h1', 'h2'],
          strategy: 'rolling',
          rolling: { pauseEvery: 1 },
          hostLoss: { policy: 'continue', minHosts: 1 },
        },
      },
    });
    expect(issues(() => resolveDeploy(bad, 'web', { origin })).map((i) => i.path.join('.'))).toEqual([
      'services.web.rolling.pauseEvery',
    ]);
    // As on a blue-green fleet: a rolling fleet may go on without a lost host, never below minHosts.
    const tooMany = file({
      ...base,
      services: {
        web: {
          image: 'web:v1',
          hosts: ['h1', 'h2'],
          strategy: 'rolling',
          hostLoss: { policy: 'continue', minHosts: 3 },
        },
      },
    });
    expect(issues(() => resolveDeploy(tooMany, 'web', { origin }))).toEqual([
      { path: ['services', 'web', 'hostLoss', 'minHosts'], message: '3 is more than the 2 hosts of the deploy' },
    ]);
  });

  it('refuses, naming the field: an unknown service, a host it does not run on, a bad image; a canary on several hosts is one fleet canary', () => {
    expect(issues(() => resolveDeploy(file(base), 'nope', { origin }))).toEqual([
      { path: ['services', 'nope'], message: 'no such service (declared: api, web)' },
    ]);
    expect(issues(() => resolveDeploy(file(base), 'api', { host: 'h2', origin }))).toEqual([
      { path: ['host'], message: '"h2" is not a host of api (hosts: h1)' },
    ]);
    const canaries = file({
      ...base,
      services: {
        web: { image: 'web:v1', hosts: ['h1', 'h2'], strategy: 'canary', canary: { steps: [{ weight: 100 }] } },
      },
    });
    const fleetCanary = resolveDeploy(canaries, 'web', { origin });
    expect({ type: fleetCanary.workflowType, host: fleetCanary.host }).toEqual({
      type: 'fleetCanaryDeploy',
      host: 'h1,h2',
    });
    expect((fleetCanary.input as { hosts: string[] }).hosts).toEqual(['h1', 'h2']);
    expect(resolveDeploy(canaries, 'web', { host: 'h2', origin }).workflowType).toBe('canaryDeploy');
    expect(issues(() => resolveDeploy(file(base), 'api', { image: 'Bad Image', origin }))[0]!.path).toEqual(['image']);
  });

  it('blue-green on several hosts without one named: one fleet deploy of every host, boot limit and host loss from the file', () => {
    const f = file({
      ...base,
      services: {
        ...base.services,
        site: {
          image: 'site:v2',
          hosts: ['h1', 'h2'],
          port: 8080,
          boot: { limit: '50%' },
          hostLoss: { timeout: '20s', policy: 'continue', minHosts: 1 },
        },
      },
    });
    const r = resolveDeploy(f, 'site', { origin });
    expect(r.workflowType).toBe('fleetBlueGreenDeploy');
    if (r.workflowType !== 'fleetBlueGreenDeploy') throw new Error('not a fleet deploy');
    expect(r.hosts).toEqual(['h1', 'h2']);
    expect(r.host).toBe('h1,h2');
    expect(r.input).toMatchObject({
      service: 'site',
      hosts: ['h1', 'h2'],
      bootLimit: '50%',
      hostLoss: { timeout: 20_000, policy: 'continue', minHosts: 1 },
      appPort: 8080,
      bakeMs: 60_000,
      spec: { image: 'site:v2', network: 'site-net' },
      edge: { name: 'site-edge', image: 'edge:2' },
    });
    expect('host' in r.input).toBe(false);
    // One host named: that host's single-host deploy, as before.
    expect(resolveDeploy(f, 'site', { host: 'h2', origin }).workflowType).toBe('blueGreenDeploy');
    const bad = file({
      ...base,
      services: { site: { image: 'site:v2', hosts: ['h1', 'h2'], hostLoss: { policy: 'continue', minHosts: 3 } } },
    });
    expect(issues(() => resolveDeploy(bad, 'site', { origin }))).toEqual([
      { path: ['services', 'site', 'hostLoss', 'minHosts'], message: '3 is more than the 2 hosts of the deploy' },
    ]);
  });

  it('a workflow-schema error is reported at the file field it comes from', () => {
    const f = file({ ...base, services: { api: { image: 'api:v1', hosts: ['h1'], container: { network: 'host' } } } });
    const [i] = issues(() => resolveDeploy(f, 'api', { host: 'h1', origin }));
    expect(i!.path).toEqual(['services', 'api', 'container', 'network']);
  });

  it('describeOverrides flattens nested fields', () => {
    expect(describeOverrides({ a: 1, b: { c: 'x', d: [1, 2] } })).toEqual(['a=1', 'b.c=x', 'b.d=1,2']);
  });
});

describe('resolveDeploy: canary and pauseEvery', () => {
  const withService = (svc: Record<string, unknown>) =>
    ({ hosts: { h1: null }, services: { shop: { image: 'shop:v2', ...svc } } }) as ServiceFileInput;

  it('strategy canary resolves to canaryDeploy with the parsed policy', () => {
    const r = resolveDeploy(
      file(
        withService({
          strategy: 'canary',
          canary: { steps: [{ weight: 10, pause: '20s' }, { weight: 100 }], interval: '5s', p99: '< 500ms' },
        }),
      ),
      'shop',
      { origin },
    );
    expect(r.workflowType).toBe('canaryDeploy');
    expect(r.input).toMatchObject({
      service: 'shop',
      canary: {
        steps: [
          { weight: 10, pauseMs: 20_000, approval: false },
          { weight: 100, pauseMs: 0, approval: false },
        ],
        intervalMs: 5000,
        successRate: { min: 0.99, inclusive: true },
        p99: { maxMs: 500, inclusive: false },
        minRequests: 10,
        failuresAllowed: 0,
      },
    });
  });

  it('refuses a canary block on another strategy, and a canary strategy without one', () => {
    expect(ServiceFile.safeParse(withService({ canary: { steps: [{ weight: 10 }] } })).error?.issues[0]).toMatchObject({
      path: ['services', 'shop', 'canary'],
      message: 'canary options on a blue-green service (set strategy: canary, or remove them)',
    });
    expect(ServiceFile.safeParse(withService({ strategy: 'canary' })).error?.issues[0]?.message).toBe(
      'strategy canary needs a canary block with its steps, e.g. {steps: [{weight: 10, pause: 60s}, {weight: 100}]}',
    );
  });

  it('rolling.pauseEvery asks again after every that many batches, under the service approval', () => {
    const r = resolveDeploy(
      file(
        withService({ strategy: 'rolling', rolling: { replicas: 3, pauseEvery: 1 }, approval: { approvers: ['ops'] } }),
      ),
      'shop',
      { origin },
    );
    expect(r.input).toMatchObject({ pauseAfter: { batches: 1, repeat: true, approval: { approvers: ['ops'] } } });
    expect(
      ServiceFile.safeParse(withService({ strategy: 'rolling', rolling: { pauseEvery: 1, canaryBatches: 1 } })).error
        ?.issues[0]?.message,
    ).toBe('set pauseEvery or canaryBatches, not both (pauseEvery asks after every that many batches)');
  });
});
