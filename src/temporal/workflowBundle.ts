import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './devServer.ts';

/** The workflow code's entry point, relative to the project. */
const WORKFLOWS_ENTRY = 'workflows/index.ts';
/** Bundles of other sources are removed once this old: a worker started from one may still be loading it. */
const STALE_BUNDLE_MS = 24 * 3600_000;

/**
 * The key of the workflow code: a hash of every project module the workflow entry imports,
 * directly or not (found by resolving the imports with esbuild, as the bundler does), and of the
 * lockfile (the SDK's own code). A change to any module the workflow reaches gives a new key, so
 * a stale bundle is never run; a change elsewhere keeps the key.
 */
export async function workflowSourceKey(root = PROJECT_ROOT): Promise<{ key: string; modules: string[] }> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [WORKFLOWS_ENTRY],
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  const modules = Object.keys(result.metafile.inputs).sort();
  const hash = createHash('sha256');
  for (const file of [...modules, 'package-lock.json']) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
  }
  return { key: hash.digest('hex').slice(0, 16), modules };
}

/**
 * Bundles the workflow code once (webpack) and caches it by its source key, so N worker
 * processes start without each bundling it again.
 */
export async function workflowBundlePath(): Promise<string> {
  const { key } = await workflowSourceKey();
  const dir = join(PROJECT_ROOT, '.cache');
  const name = `workflow-bundle-${key}.js`;
  const path = join(dir, name);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  // The bundler (webpack, in the worker package) is loaded only when the cache misses.
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(PROJECT_ROOT, WORKFLOWS_ENTRY),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
  });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, path);
  removeStaleBundles(dir, name);
  return path;
}

/** Bundles of earlier sources, a day old or more. */
function removeStaleBundles(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    if (!/^workflow-bundle-[0-9a-f]{16}\.js$/.test(name) || name === keep) continue;
    const file = join(dir, name);
    try {
      if (Date.now() - statSync(file).mtimeMs > STALE_BUNDLE_MS) rmSync(file, { force: true });
    } catch {
      // Another process removed it first.
    }
  }
}
