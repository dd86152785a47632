import { describe, expect, it } from 'vitest';
import { anchorsOf, relativeLinks } from './markdown';

describe('the Markdown reader of the docs checks', () => {
  it('finds relative links outside code, with their lines', () => {
    const text = [
      'See [a](docs/a.md#x) and [web](https://example.com).',
      '`[not](a link.md)` and',
      '```',
      '[nor](this.md)',
      '```',
      '[b](b.md "title") [c](#here)',
    ].join('\n');
    expect(relativeLinks(text)).toEqual([
      { target: 'docs/a.md#x', line: 1 },
      { target: 'b.md', line: 6 },
      { target: '#here', line: 6 },
    ]);
  });

  it("makes GitHub's anchors: punctuation dropped, spaces as hyphens, repeats numbered", () => {
    const text = '# The `status` query: what, & how\n## Tests\n```\n# not a heading\n```\n## Tests\n';
    expect([...anchorsOf(text)]).toEqual(['the-status-query-what--how', 'tests', 'tests-1']);
  });
});
