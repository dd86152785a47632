import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadServiceFile, parseServiceFile, ServiceFileLoadError } from '../../../client/service-file';
import { serviceFileJsonSchema } from '../../../cli/commands/config';
import { resolveDeploy, ServiceFileError } from '../../../common/service-file/resolve';

const errorOf = (text: string) => {
  try {
    parseServiceFile(text, 'dockhand.yml');
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceFileLoadError);
    return (e as Error).message;
  }
  throw new Error('expected the file to be refused');
};

describe('service file loading: every error names file:line and path', () => {
  it('a wrong type, at the line of its key', () => {
    expect(errorOf('hosts:\n  h1:\nservices:\n  api:\n    image: app:v1\n    port: eighty\n')).toBe(
      'dockhand.yml:6 services.api.port: Invalid input: expected number, received string',
    );
  });

  it('an unknown key (a typo), at its own line', () => {
    expect(
      errorOf('hosts:\n  h1:\nservices:\n  api:\n    image: app:v1\n    edge:\n      port: 80\n      colour: blue\n'),
    ).toBe('dockhand.yml:8 services.api.edge.colour: unknown key (a typo?)');
  });

  it('a missing required key, at its parent', () => {
    expect(errorOf('hosts:\n  h1:\nservices:\n  api:\n    port: 80\n')).toMatch(
      /^dockhand\.yml:4 services\.api\.image: /,
    );
  });

  it('a host the file does not declare, and a service without hosts in a file with several', () => {
    expect(
      errorOf(
        'hosts:\n  h1:\n  h2:\nservices:\n  api:\n    image: app:v1\n    hosts: [h1, h3]\n  web:\n    image: app:v1\n',
      ),
    ).toBe(
      'dockhand.yml:7 services.api.hosts.1: "h3" is not a host of this file (hosts: h1, h2)\n' +
        'dockhand.yml:8 services.web: say which hosts it runs on (hosts: [h1, h2]): the file declares several',
    );
  });

  it('rolling options on a blue-green service', () => {
    expect(errorOf('hosts: {h1: }\nservices:\n  api:\n    image: app:v1\n    rolling: {replicas: 3}\n')).toBe(
      'dockhand.yml:5 services.api.rolling: rolling options on a blue-green service (set strategy: rolling, or remove them)',
    );
  });

  it('YAML syntax errors and duplicate keys, with their line', () => {
    expect(errorOf('hosts:\n  h1:\nservices:\n  api:\n    image: [app\n')).toMatch(/^dockhand\.yml:\d+ /);
    expect(errorOf('hosts:\n  h1:\nservices:\n  api:\n    image: app:v1\n    image: app:v2\n')).toMatch(
      /^dockhand\.yml:6 Map keys must be unique/,
    );
  });

  it('a resolution error of a valid file is explained at the line of the field it comes from', () => {
    const loaded = parseServiceFile(
      'hosts: {h1: }\nservices:\n  api:\n    image: app:v1\n    container:\n      network: host\n',
      'dockhand.yml',
    );
    const err = new ServiceFileError([
      { path: ['services', 'api', 'container', 'network'], message: 'not user-defined' },
    ]);
    expect(loaded.explain(err)).toBe('dockhand.yml:6 services.api.container.network: not user-defined');
    expect(loaded.sha256).toMatch(/^[a-f0-9]{64}$/);
  });

  it('the documented example file validates and every service resolves', () => {
    const loaded = loadServiceFile(path.join(__dirname, '../../../docs/dockhand.example.yml'));
    expect(Object.keys(loaded.file.services)).toEqual(['api', 'web']);
    for (const name of Object.keys(loaded.file.services))
      expect(resolveDeploy(loaded.file, name, { origin: { source: 'cli', requestedBy: 't' } }).service).toBe(name);
  });

  it('the JSON Schema for editors is generated from the same schema', () => {
    const schema = serviceFileJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(['version', 'hosts', 'defaults', 'services']);
    expect(schema.required).toEqual(['hosts', 'services']);
  });
});
