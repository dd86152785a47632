import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const LIB = join(__dirname, '../../../scripts/lib/apt-install.sh');

/** A bin folder whose apt-get behaves as dpkg does: a second apt-get while one runs fails on the lock. */
function fakeApt(): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'apt-install-'));
  const script = [
    '#!/bin/bash',
    `mkdir "${dir}/dpkg-lock" 2>/dev/null || { echo "E: Could not get lock /var/lib/dpkg/lock-frontend"; exit 100; }`,
    `echo "apt-get $*" >>"${dir}/calls"`,
    'sleep 0.4',
    `rmdir "${dir}/dpkg-lock"`,
  ].join('\n');
  writeFileSync(join(dir, 'apt-get'), script);
  writeFileSync(join(dir, 'id'), '#!/bin/sh\necho 0\n'); // as root, without needing root
  chmodSync(join(dir, 'apt-get'), 0o755);
  chmodSync(join(dir, 'id'), 0o755);
  return { dir, log: join(dir, 'apt.log') };
}

function install(bin: string, log: string, pkg: string) {
  const script = `log() { :; }; die() { echo "$*" >&2; exit 1; }; . "${LIB}"; apt_install "${log}" ${pkg}`;
  return promisify(execFile)('bash', ['-c', script], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, DOCKHAND_APT_LOCK: join(bin, 'lock') },
  });
}

describe('apt_install (scripts/lib/apt-install.sh)', () => {
  it('installs one package at a time: two scripts that need packages at once both succeed', async () => {
    const { dir, log } = fakeApt();
    await Promise.all([install(dir, log, 'skopeo'), install(dir, log, 'docker-registry')]);
    const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n').sort();
    expect(calls).toEqual(['apt-get install -y -qq docker-registry', 'apt-get install -y -qq skopeo']);
  });
});
