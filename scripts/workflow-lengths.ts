import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import ts from 'typescript';

/** How long each workflow function is — every top-level function of a workflow file, exported or not, so a
 * workflow cannot pass by handing its length to one private helper — in lines once formatted at width 120 (the
 * repo's Prettier settings). "Workflows read like runbooks" becomes a number a test holds: `--max N` exits 1
 * naming every function over N lines. Run as `node --require tsx/cjs scripts/workflow-lengths.ts [--max 60] [dir]`;
 * test/unit/workflows/workflow-lengths.test.ts runs it on workflows/. */

export interface FunctionLength {
  file: string;
  name: string;
  lines: number;
}

/** The top-level functions of one source text (declarations and `const f = (…) => …`), with their lengths
 * from the first line of the declaration (its doc comment not counted) to its closing brace. */
export function functionLengths(file: string, text: string): FunctionLength[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const span = (node: ts.Node) => lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1;
  const found: FunctionLength[] = [];
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body)
      found.push({ file, name: statement.name.text, lines: span(statement) });
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations)
        if (d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)))
          found.push({ file, name: d.name.getText(source), lines: span(statement) });
  }
  return found;
}

/** Every top-level function of the workflow files directly in `dir` (not `lib/`: helpers there are measured by
 * their own tests), each file formatted at width 120 first so the count does not depend on how it was typed. */
export async function workflowLengths(dir: string): Promise<FunctionLength[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .sort();
  const all: FunctionLength[] = [];
  for (const f of files) {
    const path = join(dir, f);
    const name = relative(process.cwd(), path);
    const text = await prettier.format(readFileSync(path, 'utf8'), {
      filepath: path,
      printWidth: 120,
      singleQuote: true,
    });
    all.push(...functionLengths(name, text));
  }
  return all;
}

/** The report lines and whether every function is within `max`. */
export function judge(lengths: FunctionLength[], max: number): { lines: string[]; over: FunctionLength[] } {
  const over = lengths.filter((l) => l.lines > max);
  const lines = [...lengths]
    .sort((a, b) => b.lines - a.lines)
    .map((l) => `${String(l.lines).padStart(4)}  ${l.name}  (${l.file})${l.lines > max ? '  OVER' : ''}`);
  return { lines, over };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--max');
  const max = at >= 0 ? Number(args[at + 1]) : Infinity;
  if (at >= 0 && !(Number.isInteger(max) && max > 0)) throw new Error(`--max: expected a positive integer`);
  const dir = args.filter((_, i) => i !== at && i !== at + 1)[0] ?? join(__dirname, '..', 'workflows');
  const { lines, over } = judge(await workflowLengths(dir), max);
  for (const line of lines) console.log(line);
  if (over.length > 0) {
    console.error(`over ${max} lines: ${over.map((o) => o.name).join(', ')}`);
    process.exitCode = 1;
  }
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
