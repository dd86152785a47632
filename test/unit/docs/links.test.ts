import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, relativeLinks } from './markdown';

const ROOT = path.resolve(__dirname, '../../..');

/** README.md and every page under docs/, as repository-relative paths. */
function pages(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir)).flatMap((name) => {
      const rel = path.join(dir, name);
      if (statSync(path.join(ROOT, rel)).isDirectory()) return walk(rel);
      return name.endsWith('.md') ? [rel] : [];
    });
  return ['README.md', ...walk('docs')];
}

describe('the documentation', () => {
  it('README.md is at most 10 KB', () => {
    expect(statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(10 * 1024);
  });

  it('every relative link in README.md and docs/ resolves to a file, and its #anchor to a heading there', () => {
    const broken: string[] = [];
    for (const page of pages()) {
      for (const link of relativeLinks(readFileSync(path.join(ROOT, page), 'utf8'))) {
        const [file = '', anchor] = link.target.split('#');
        const target = file ? path.normalize(path.join(path.dirname(page), decodeURIComponent(file))) : page;
        const where = `${page}:${link.line} (${link.target})`;
        if (target.startsWith('..') || !existsSync(path.join(ROOT, target))) broken.push(`${where}: no file ${target}`);
        else if (anchor !== undefined) {
          if (!target.endsWith('.md')) broken.push(`${where}: an anchor into a file that is not Markdown`);
          else if (!anchorsOf(readFileSync(path.join(ROOT, target), 'utf8')).has(anchor))
            broken.push(`${where}: no heading #${anchor} in ${target}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
