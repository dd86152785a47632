import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundle } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from './workflow-interceptors';

/** What a bundle is built from; two requests with the same fields may share one bundle. */
export type BundleRequest = Pick<
  BundleOptions,
  'workflowsPath' | 'workflowInterceptorModules' | 'failureConverterPath' | 'logger'
>;

/** What a kept bundle was built from: the hash of every file webpack read, every file it looked for
 * and did not find (one appearing could change what an import resolves to), and the code's own hash. */
interface BundleManifest {
  read: Record<string, string>;
  missing: string[];
  code: string;
}

export type BundleSource = 'kept' | 'built';

/** What the orchestrator bundles: every workflow, the interceptors (metrics, end notices), and the failure
 * converter when payloads are encrypted (it must be inside the bundle; see client/data-converter.ts). */
export function orchestratorBundle(failureConverterPath?: string): BundleRequest {
  return {
    workflowsPath: path.join(__dirname, '..', '..', 'workflows', 'index.ts'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    ...(failureConverterPath ? { failureConverterPath } : {}),
  };
}

/**
 * The workflow bundle, built once per version of its sources. Webpack costs every orchestrator start
 * about 4 s of CPU (more on a busy machine); a built bundle is kept in `dir` with a manifest of what
 * it was built from, and used again only while every file it read is unchanged and every file it did
 * not find is still absent — a stale bundle would run old workflow code. `dir` undefined: build every
 * time. A directory that cannot be written costs only the reuse.
 */
export async function workflowBundle(
  request: BundleRequest,
  dir: string | undefined,
): Promise<{ bundle: WorkflowBundle; source: BundleSource; warning?: string }> {
  if (!dir) return { bundle: (await build(request)).bundle, source: 'built' };
  const base = path.join(dir, keyOf(request));
  const kept = readKept(base);
  if (kept) return { bundle: { code: kept }, source: 'kept' };
  const { bundle, manifest } = await build(request);
  try {
    mkdirSync(dir, { recursive: true });
    // The code first, then the manifest that vouches for it; each lands whole (rename), and the
    // manifest names the code's hash, so two builders racing cannot pair one's code with the other's.
    writeWhole(`${base}.js`, bundle.code);
    writeWhole(`${base}.json`, JSON.stringify(manifest));
    return { bundle, source: 'built' };
  } catch (e) {
    return { bundle, source: 'built', warning: `workflow bundle not kept in ${dir}: ${(e as Error).message}` };
  }
}

function keyOf(request: BundleRequest): string {
  const { workflowsPath, workflowInterceptorModules, failureConverterPath } = request;
  const what = JSON.stringify({ workflowsPath, workflowInterceptorModules, failureConverterPath });
  return `workflows-${sha256(what).slice(0, 16)}`;
}

/** The kept code when its manifest still holds, else undefined. */
function readKept(base: string): string | undefined {
  let manifest: BundleManifest;
  let code: string;
  try {
    manifest = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as BundleManifest;
    code = readFileSync(`${base}.js`, 'utf8');
  } catch {
    return undefined;
  }
  if (sha256(code) !== manifest.code) return undefined;
  if (manifest.missing.some((file) => existsSync(file))) return undefined;
  for (const [file, hash] of Object.entries(manifest.read)) if (hashOf(file) !== hash) return undefined;
  return code;
}

async function build(request: BundleRequest): Promise<{ bundle: WorkflowBundle; manifest: BundleManifest }> {
  const seen = { read: [] as string[], missing: [] as string[] };
  const bundle = await bundleWorkflowCode({
    ...request,
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [...(config.plugins ?? []), recordDependencies(seen)],
    }),
  });
  const read: Record<string, string> = {};
  for (const file of seen.read) {
    const hash = hashOf(file);
    if (hash !== undefined) read[file] = hash;
  }
  // Webpack also lists as missing some paths that exist (directories tried as files): only the absent count.
  const missing = seen.missing.filter((file) => !existsSync(file));
  return { bundle: { code: bundle.code }, manifest: { read, missing, code: sha256(bundle.code) } };
}

/** A webpack plugin that records which files the compilation read and which it looked for in vain. */
function recordDependencies(seen: { read: string[]; missing: string[] }) {
  return {
    apply(compiler: { hooks: { done: { tap(name: string, fn: (stats: CompilationStats) => void): void } } }) {
      compiler.hooks.done.tap('dockhand-bundle-manifest', (stats) => {
        seen.read = [...stats.compilation.fileDependencies];
        seen.missing = [...stats.compilation.missingDependencies];
      });
    },
  };
}

interface CompilationStats {
  compilation: { fileDependencies: Iterable<string>; missingDependencies: Iterable<string> };
}

/** The content hash of a file; undefined for what is not a readable file (a directory, say). */
function hashOf(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeWhole(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
