// The layer check's folder rule (scripts/folderCycles.mjs): a fixture tree whose folders import each
// other without any module cycle fails it, naming both imports; the project passes it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/temporal/devServer.ts';

const check = (...args: string[]) =>
  spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/folderCycles.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });

describe('no folder cycles', () => {
  it('a tree where src/a imports src/b and src/b imports src/a (no module cycle) fails, naming the imports', () => {
    const result = check('--root', join(PROJECT_ROOT, 'test/fixtures/folder-cycle'), 'src');
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /error no-folder-cycle: src\/a ⇄ src\/b \(src\/a\/x\.ts → src\/b\/y\.ts; src\/b\/y\.ts → src\/a\/z\.ts\)/);
  });

  it('the project has none', () => {
    const result = check('src', 'activities', 'workflows');
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /✔ no folder cycles \(\d+ folders/);
  });
});
