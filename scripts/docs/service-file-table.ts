import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ServiceFile } from '../../common/service-file/schema';

/**
 * The field table of docs/service-file.md, generated from the zod schema of the service file (through
 * its JSON Schema, what a user writes), so the reference cannot drift from what `dockhand config check`
 * accepts. `npm run docs:service-file` rewrites the table between the markers; a unit test fails when
 * the page and the schema differ.
 */

export const BEGIN = '<!-- generated from common/service-file/schema.ts by npm run docs:service-file: do not edit -->';
export const END = '<!-- end of generated table -->';
export const DOC = path.join(__dirname, '../../docs/service-file.md');

interface Node {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Node[];
  items?: Node;
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  required?: string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  format?: string;
}

/** The table's rows: one per field, nested objects expanded (the container spec one level deep). */
export function serviceFileTable(): string {
  const root = z.toJSONSchema(ServiceFile, { io: 'input', unrepresentable: 'any' }) as Node;
  const rows: string[] = ['| field | type | meaning |', '| --- | --- | --- |'];
  const walk = (node: Node, at: string, required: boolean, depth: number) => {
    const what = [node.description ?? '', required ? '**required**' : ''].filter(Boolean).join('; ');
    rows.push(`| \`${at}\` | ${typeOf(node)} | ${what.replace(/\|/g, '\\|')} |`);
    // `defaults:` takes the per-service settings: they are listed once, under services.<name>.
    if (at === 'defaults') return;
    const child = entries(node);
    if (at.endsWith('.container')) {
      for (const [key, n] of child) walk(n, `${at}.${key}`, false, -1);
      return;
    }
    if (depth < 0) return;
    for (const [key, n, req] of child) walk(n, `${at}.${key}`, req, depth + 1);
  };
  for (const [key, n, req] of entries(root)) walk(n, key, req, 0);
  return rows.join('\n');
}

/** A node's fields: its properties, or a map's `<key>` entry. */
function entries(node: Node): Array<[string, Node, boolean]> {
  if (node.properties)
    return Object.entries(node.properties).map(([k, n]) => [k, n, (node.required ?? []).includes(k)]);
  const value = typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
  const object = value?.properties ? value : value?.anyOf?.find((n) => n.properties);
  if (object) return [[node.description?.startsWith('host') ? '<host id>' : '<name>', object, false]];
  return [];
}

function typeOf(node: Node): string {
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v).replace(/^"|"$/g, '')}\``).join(' \\| ');
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (Array.isArray(node.type) && node.type.includes('string') && node.type.includes('number'))
    return 'duration (`"30s"`, `"5m"`, or ms)';
  if (node.anyOf) {
    if (node.anyOf.every((n) => n.format === 'ipv4' || n.format === 'ipv6')) return 'IP address';
    return [...new Set(node.anyOf.map(typeOf))].join(' or ');
  }
  switch (node.type) {
    case 'integer':
    case 'number': {
      const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
      if (node.minimum !== undefined && max !== undefined) return `${node.type} ${node.minimum}–${max}`;
      return node.minimum !== undefined ? `${node.type} ≥ ${node.minimum}` : node.type;
    }
    case 'array':
      return `list of ${node.items ? typeOf(node.items) : 'values'}`;
    case 'object':
      if (node.properties) return 'object';
      return typeof node.additionalProperties === 'object' ? `map of ${typeOf(node.additionalProperties)}` : 'object';
    case 'null':
      return 'empty';
    default:
      return node.type ? String(node.type) : 'any';
  }
}

/** The page with its table replaced by the generated one. */
export function withGeneratedTable(page: string): string {
  const from = page.indexOf(BEGIN);
  const to = page.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${DOC}: the markers of the generated table are missing`);
  return `${page.slice(0, from + BEGIN.length)}\n\n${serviceFileTable()}\n\n${page.slice(to)}`;
}

if (require.main === module) {
  writeFileSync(DOC, withGeneratedTable(readFileSync(DOC, 'utf8')));
  console.log(`${path.relative(process.cwd(), DOC)}: field table regenerated`);
}
