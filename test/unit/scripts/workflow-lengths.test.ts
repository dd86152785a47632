import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionLengths, judge, workflowLengths } from '../../../scripts/workflow-lengths';

describe('workflow-lengths', () => {
  it('measures every top-level function, exported or not, from its first line to its closing brace', () => {
    const text = [
      '/** doc */',
      'export async function a(x: number): Promise<number> {',
      '  return x;',
      '}',
      'function b() {',
      '  const inner = () => 1;',
      '  return inner();',
      '}',
      'const c = (y: string) =>',
      '  y.length;',
      'export const d = 3;',
    ].join('\n');
    expect(functionLengths('w.ts', text)).toEqual([
      { file: 'w.ts', name: 'a', lines: 3 },
      { file: 'w.ts', name: 'b', lines: 4 },
      { file: 'w.ts', name: 'c', lines: 2 },
    ]);
  });

  it('names the functions over the limit, longest first', () => {
    const { lines, over } = judge(
      [
        { file: 'x.ts', name: 'short', lines: 10 },
        { file: 'y.ts', name: 'long', lines: 61 },
      ],
      60,
    );
    expect(over.map((o) => o.name)).toEqual(['long']);
    expect(lines).toEqual(['  61  long  (y.ts)  OVER', '  10  short  (x.ts)']);
  });
});

describe('the workflows', () => {
  // The house rule (docs/development.md): a workflow reads like the runbook it replaces; branch logic lives in
  // pure, unit-tested functions in workflows/lib or common/.
  it('have no function over 60 lines at width 120', async () => {
    const lengths = await workflowLengths(join(__dirname, '..', '..', '..', 'workflows'));
    expect(lengths.length).toBeGreaterThan(14);
    expect(judge(lengths, 60).over).toEqual([]);
  }, 60_000);
});
