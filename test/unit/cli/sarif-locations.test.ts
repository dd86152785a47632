import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceFileLocator, serviceLines } from '../../../cli/lib/sarif-locations';

const text = [
  'version: 1',
  'hosts:',
  '  web-1: {}',
  'services:',
  '  api:',
  '    image: a',
  '  web:',
  '    image: b',
  '',
].join('\n');
const c = (name: string) => ({ host: 'h', name }) as Parameters<ReturnType<typeof serviceFileLocator>>[0];

describe('SARIF locations from the service file', () => {
  it('finds the line of each services.<name> key', () => {
    expect([...serviceLines(text)]).toEqual([
      ['api', 5],
      ['web', 7],
    ]);
    expect(serviceLines('services: []\n').size).toBe(0);
  });

  it('maps containers named as Dockhand names them to their service line; others keep the pseudo-path', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dh-sarif-loc-'));
    writeFileSync(path.join(dir, 'dockhand.yml'), text);
    const locate = serviceFileLocator('dockhand.yml', dir);
    expect(locate(c('api-blue'))).toEqual({ uri: 'dockhand.yml', startLine: 5 });
    expect(locate(c('web-3'))).toEqual({ uri: 'dockhand.yml', startLine: 7 });
    expect(locate(c('web'))).toEqual({ uri: 'dockhand.yml', startLine: 7 });
    expect(locate(c('webby'))).toBeUndefined();
    // The dockhand.service label wins over the name (a container Dockhand deployed under another name).
    expect(locate({ ...c('webby'), service: 'api' })).toEqual({ uri: 'dockhand.yml', startLine: 5 });
    expect(locate({ ...c('api-2'), service: 'gone' })).toEqual({ uri: 'dockhand.yml', startLine: 5 });
    expect(serviceFileLocator('missing.yml', dir)(c('api'))).toBeUndefined();
    expect(serviceFileLocator(path.join(os.tmpdir(), 'elsewhere.yml'), dir)(c('api'))).toBeUndefined();
  });
});
