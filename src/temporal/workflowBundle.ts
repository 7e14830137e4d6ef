import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './devServer.ts';

/**
 * Bundles the workflow code once (webpack) and caches it by a hash of its sources, so N worker
 * processes start without each bundling it again.
 */
export async function workflowBundlePath(): Promise<string> {
  const sources = [
    'workflows/index.ts',
    'workflows/generateDataset.ts',
    'workflows/limits.ts',
    'src/dataset/batchStats.ts',
    'src/temporal/names.ts',
    'package-lock.json',
  ];
  const hash = createHash('sha256');
  for (const file of sources) hash.update(readFileSync(join(PROJECT_ROOT, file)));
  const dir = join(PROJECT_ROOT, '.cache');
  const path = join(dir, `workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  // The bundler (webpack, in the worker package) is loaded only when the cache misses.
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(PROJECT_ROOT, 'workflows/index.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
  });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, path);
  return path;
}
