import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker } from '../support/docker';
import { testIds } from '../support/workers';

const { suffix } = testIds('paths');
const name = `paths-${suffix}`;
const script = path.join(__dirname, '../fixtures/scripts/stat-then-exit.ts');

beforeAll(async () => {
  const c = await docker.createContainer({ name, Image: 'dockhand-edge:1' });
  await c.start();
});
afterAll(async () => {
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
});

describe('container paths through the archive API (real engine)', () => {
  // dockerode hands a HEAD answer over as an unread stream; unread, its socket kept the host agent's
  // process alive after its worker had shut down (every test file's afterAll waited 180 s, then failed).
  it('a stat leaves nothing open: the process exits by itself', async () => {
    const t0 = Date.now();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--require', 'tsx/cjs', script, name, '/etc/hostname'],
      {
        timeout: 30_000,
        cwd: path.join(__dirname, '../..'),
      },
    );
    expect(stdout.trim()).toMatch(/^size \d+$/);
    expect(Date.now() - t0).toBeLessThan(25_000);
  }, 60_000);
});
