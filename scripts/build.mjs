// Bundles the CLI and the worker (TypeScript sources, npm packages left external) into
// .cache/build/{cli,worker}.mjs with esbuild. A process started from a bundle skips the per-module
// TypeScript loader: measured ~1.2 s less CPU and ~50 MB less memory per process. Each file is
// written to a temporary name and renamed, so a process starting meanwhile never reads half a file.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = join(root, '.cache/build');
const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts', worker: 'src/temporal/workerMain.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outdir,
  outExtension: { '.js': '.mjs' },
  write: false,
  logLevel: 'warning',
});
mkdirSync(outdir, { recursive: true });
for (const file of result.outputFiles) {
  const temp = join(outdir, `.${basename(file.path)}.${process.pid}.tmp`);
  writeFileSync(temp, file.contents);
  renameSync(temp, file.path);
}
