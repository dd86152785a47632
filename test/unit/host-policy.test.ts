import { describe, expect, it } from 'vitest';
import { activityViolations, hostPolicyFromEnv, inside, specViolations } from '../../common/host-policy';

const strict = hostPolicyFromEnv({});

describe('host agent policy (pure)', () => {
  it('defaults: nothing privileged, no host namespace, no bind paths, secrets, exec or file reads; data dir /var/lib/dockhand', () => {
    expect(strict).toEqual({
      allowPrivileged: false,
      allowHostNamespaces: false,
      bindPaths: [],
      secretFiles: [],
      secretEnv: [],
      dataDir: '/var/lib/dockhand',
      execContainers: [],
      readContainers: [],
      readPaths: [],
      copyContainers: [],
    });
  });

  it('names the rule and the field of every violation', () => {
    const spec = {
      image: 'x',
      network: 'host',
      security: { privileged: true, capAdd: ['NET_ADMIN', 'SYS_ADMIN'], securityOpt: ['seccomp=unconfined'] },
      mounts: [
        { type: 'bind', source: '/etc', target: '/host-etc' },
        { type: 'volume', target: '/data' },
      ],
      secretEnv: { A: { file: '/root/.ssh/id_rsa' }, B: { fromEnv: 'AWS_SECRET_ACCESS_KEY' } },
      envFiles: ['/etc/shadow'],
    };
    expect(specViolations(spec, strict).map((v) => [v.rule, v.field])).toEqual([
      ['privileged', 'spec.security.privileged'],
      ['privileged', 'spec.security.capAdd.1'],
      ['privileged', 'spec.security.securityOpt.0'],
      ['host-namespace', 'spec.network'],
      ['host-path', 'spec.mounts.0.source'],
      ['secret-file', 'spec.secretEnv.A.file'],
      ['secret-env', 'spec.secretEnv.B.fromEnv'],
      ['secret-file', 'spec.envFiles.0'],
    ]);
    expect(specViolations(spec, strict)[0]!.message).toBe(
      'spec.security.privileged: a privileged container (host policy "privileged"; DOCKHAND_AGENT_ALLOW_PRIVILEGED=1 allows it)',
    );
  });

  it('allow-lists let exactly what they list through; ".." does not escape them', () => {
    const policy = hostPolicyFromEnv({
      DOCKHAND_AGENT_BIND_PATHS: '/srv/data:/opt/app/',
      DOCKHAND_AGENT_SECRET_FILES: '/run/secrets',
      DOCKHAND_AGENT_SECRET_ENV: 'DB_PASSWORD',
      DOCKHAND_AGENT_DATA_DIR: '/data/dockhand',
    });
    const spec = {
      mounts: [{ type: 'bind', source: '/srv/data/web', target: '/d' }],
      secretEnv: { A: { file: '/run/secrets/db' }, B: { fromEnv: 'DB_PASSWORD' } },
      envFiles: ['/run/secrets/app.env'],
    };
    expect(specViolations(spec, policy)).toEqual([]);
    expect(inside('/srv/data/../../etc/passwd', policy.bindPaths)).toBe(false);
    expect(inside('/srv/database', policy.bindPaths)).toBe(false);
    expect(activityViolations('exportContainer', { name: 'c', path: '/data/dockhand/c.tar' }, policy)).toEqual([]);
    expect(activityViolations('exportContainer', { name: 'c', path: '/etc/cron.d/x' }, policy)).toEqual([
      {
        rule: 'agent-path',
        field: 'path',
        message:
          'path: /etc/cron.d/x is outside the agent\'s data directory /data/dockhand (host policy "agent-path"; DOCKHAND_AGENT_DATA_DIR sets it)',
      },
    ]);
    expect(activityViolations('ensureImage', { image: 'x', build: { contextDir: '/home/me' } }, policy)[0]!.rule).toBe(
      'agent-path',
    );
  });

  it('execInContainer and readFileFrom run only in the containers (and read only below the paths) the agent lists', () => {
    expect(activityViolations('execInContainer', { name: 'api-blue', command: ['id'] }, strict)).toEqual([
      {
        rule: 'exec',
        field: 'name',
        message:
          'name: running commands in container api-blue is not allowed (host policy "exec"; nothing is allowed until DOCKHAND_AGENT_EXEC_CONTAINERS lists it)',
      },
    ]);
    expect(activityViolations('readFileFrom', { name: 'api-blue', path: '/etc/shadow' }, strict)).toEqual([
      {
        rule: 'read-file',
        field: 'name',
        message:
          'name: reading files from container api-blue is not allowed (host policy "read-file"; nothing is allowed until DOCKHAND_AGENT_READ_CONTAINERS lists it)',
      },
      {
        rule: 'read-file',
        field: 'path',
        message:
          'path: /etc/shadow is outside the container paths files may be read from (host policy "read-file"; nothing is allowed until DOCKHAND_AGENT_READ_PATHS lists it)',
      },
    ]);
    const policy = hostPolicyFromEnv({
      DOCKHAND_AGENT_EXEC_CONTAINERS: 'api-*, web.1',
      DOCKHAND_AGENT_READ_CONTAINERS: '*',
      DOCKHAND_AGENT_READ_PATHS: '/etc/nginx:/app/config',
    });
    expect(activityViolations('execInContainer', { name: 'api-green', command: ['id'] }, policy)).toEqual([]);
    expect(activityViolations('execInContainer', { name: 'web.1', command: ['id'] }, policy)).toEqual([]);
    // "." is literal and the pattern is whole: web-1 and xapi-blue do not match.
    expect(activityViolations('execInContainer', { name: 'web-1', command: ['id'] }, policy)[0]!.rule).toBe('exec');
    expect(activityViolations('execInContainer', { name: 'xapi-blue', command: ['id'] }, policy)[0]!.message).toContain(
      'allowed: api-*, web.1 (DOCKHAND_AGENT_EXEC_CONTAINERS)',
    );
    expect(activityViolations('readFileFrom', { name: 'any', path: '/etc/nginx/nginx.conf' }, policy)).toEqual([]);
    expect(activityViolations('readFileFrom', { name: 'any', path: '/etc/nginx/../shadow' }, policy)).toEqual([
      expect.objectContaining({ rule: 'read-file', field: 'path' }),
    ]);
    expect(() => hostPolicyFromEnv({ DOCKHAND_AGENT_EXEC_CONTAINERS: 'a b' })).toThrow(
      'DOCKHAND_AGENT_EXEC_CONTAINERS: "a b" is not a container name pattern',
    );
  });

  it("copyFileIn writes into Dockhand's own containers, and into others only where the agent lists them", () => {
    const input = (name: string) => ({ name, path: '/etc/app.conf', content: 'x' });
    expect(activityViolations('copyFileIn', input('api-green'), strict, { owned: true })).toEqual([]);
    expect(activityViolations('copyFileIn', input('postgres'), strict, { owned: false })).toEqual([
      {
        rule: 'copy-in',
        field: 'name',
        message:
          'name: writing files into container postgres is not allowed: Dockhand does not own it (host policy "copy-in"; nothing is allowed until DOCKHAND_AGENT_COPY_CONTAINERS lists it)',
      },
    ]);
    // No such container: nothing to judge; the activity itself fails NotFound and writes nothing.
    expect(activityViolations('copyFileIn', input('gone'), strict, {})).toEqual([]);
    const policy = hostPolicyFromEnv({ DOCKHAND_AGENT_COPY_CONTAINERS: 'legacy-*' });
    expect(activityViolations('copyFileIn', input('legacy-web'), policy, { owned: false })).toEqual([]);
    expect(activityViolations('copyFileIn', input('postgres'), policy, { owned: false })[0]!.message).toContain(
      'allowed: legacy-* (DOCKHAND_AGENT_COPY_CONTAINERS)',
    );
    // Ownership is a fact about copyFileIn's target only: other activities are not judged by it.
    expect(activityViolations('readFileFrom', { name: 'x', path: '/tmp/a' }, strict, { owned: true })[0]!.rule).toBe(
      'read-file',
    );
  });

  it('a bad setting is refused naming the variable', () => {
    expect(() => hostPolicyFromEnv({ DOCKHAND_AGENT_ALLOW_PRIVILEGED: 'yes' })).toThrow(
      'DOCKHAND_AGENT_ALLOW_PRIVILEGED: "yes" is not 1/true or 0/false',
    );
    expect(() => hostPolicyFromEnv({ DOCKHAND_AGENT_BIND_PATHS: '/' })).toThrow(/DOCKHAND_AGENT_BIND_PATHS/);
    expect(() => hostPolicyFromEnv({ DOCKHAND_AGENT_SECRET_ENV: 'A-B' })).toThrow(/DOCKHAND_AGENT_SECRET_ENV/);
    expect(() => hostPolicyFromEnv({ DOCKHAND_AGENT_COPY_CONTAINERS: 'a/b' })).toThrow(
      'DOCKHAND_AGENT_COPY_CONTAINERS: "a/b" is not a container name pattern',
    );
  });
});
