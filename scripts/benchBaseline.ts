// The baseline of `npm run bench`: another commit of this repository, exported (git archive) into
// .cache/bench-baseline/<sha>/ and set up by its own scripts/ensure.sh (its own lockfile, its own
// Temporal CLI and bundles), so the bench runs it beside this commit in the same session. Kept
// between bench runs; delete the folder to rebuild it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/temporal/devServer.ts';

/** Default baseline: the main of 2026-12-02, before the cohort, sensor and Delta work (issue 16's reference). */
export const DEFAULT_BASELINE = 'dc00249';

/** The directory of a ready-to-run checkout of `ref` (its CLI bundle built). */
export function baselineRoot(ref: string): { root: string; sha: string } {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  const root = join(PROJECT_ROOT, '.cache', 'bench-baseline', sha.slice(0, 12));
  if (!existsSync(join(root, 'package.json'))) {
    const temp = `${root}.${process.pid}.tmp`;
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp, { recursive: true });
    execFileSync('bash', ['-c', `git archive "${sha}" | tar -x -C "${temp}"`], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    renameSync(temp, root);
  }
  process.stderr.write(`[bench] baseline ${ref} (${sha.slice(0, 12)}) in ${root}: setting up with its own scripts/ensure.sh\n`);
  execFileSync('bash', ['scripts/ensure.sh'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  return { root, sha };
}
