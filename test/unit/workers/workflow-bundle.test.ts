import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle, type BundleRequest } from '../../../workers/lib/workflow-bundle';

// A tiny workflow module of its own (inside the repository, so the bundler finds @temporalio/workflow).
const scratch = path.join(__dirname, '..', '..', '..', '.dockhand', 'test-bundles');
let root: string;
let request: BundleRequest;
let keep: string;

const write = (file: string, text: string) => writeFileSync(path.join(root, file), text);

beforeAll(() => {
  mkdirSync(scratch, { recursive: true });
  root = mkdtempSync(path.join(scratch, 'wf-'));
  keep = path.join(root, 'kept');
  mkdirSync(path.join(root, 'greeting'));
  write('index.ts', "import { greeting } from './greeting';\nexport async function hello() { return greeting; }\n");
  write('greeting/index.ts', "export const greeting = 'one';\n");
  request = { workflowsPath: path.join(root, 'index.ts'), logger: new DefaultLogger('ERROR') };
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the kept workflow bundle', () => {
  it('is built once, then used again while its sources are unchanged', async () => {
    const first = await workflowBundle(request, keep);
    expect(first.source).toBe('built');
    expect(first.bundle.code).toContain("'one'");
    const again = await workflowBundle(request, keep);
    expect(again.source).toBe('kept');
    expect(again.bundle.code).toBe(first.bundle.code);
  }, 60_000);

  it('is built again when a file it read changes', async () => {
    write('greeting/index.ts', "export const greeting = 'two';\n");
    const changed = await workflowBundle(request, keep);
    expect(changed.source).toBe('built');
    expect(changed.bundle.code).toContain("'two'");
    expect((await workflowBundle(request, keep)).source).toBe('kept');
  }, 60_000);

  it('is built again when a file the bundler looked for and did not find appears', async () => {
    // `./greeting` resolved to greeting/index.ts because greeting.ts did not exist; now it does.
    write('greeting.ts', "export const greeting = 'three';\n");
    const shadowed = await workflowBundle(request, keep);
    expect(shadowed.source).toBe('built');
    expect(shadowed.bundle.code).toContain("'three'");
  }, 60_000);

  it('is not used when its code was changed after it was kept', async () => {
    const code = readdirSync(keep).find((f) => f.endsWith('.js'))!;
    writeFileSync(path.join(keep, code), 'tampered');
    expect((await workflowBundle(request, keep)).source).toBe('built');
  }, 60_000);

  it('still builds when the directory cannot be written, and says why', async () => {
    // A file where the directory should be (permission bits would not stop root, which CI runs as).
    const blocked = path.join(root, 'not-a-dir');
    writeFileSync(blocked, '');
    const result = await workflowBundle(request, path.join(blocked, 'bundles'));
    expect(result.source).toBe('built');
    expect(result.bundle.code).toContain("'three'");
    expect(result.warning).toMatch(/workflow bundle not kept in .*not-a-dir\/bundles: .*ENOTDIR/);
  }, 60_000);

  it('builds every time without a directory', async () => {
    expect((await workflowBundle(request, undefined)).source).toBe('built');
  }, 60_000);
});
