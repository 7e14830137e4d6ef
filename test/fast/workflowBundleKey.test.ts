// The cached workflow bundle is keyed by every module the workflow reaches: a change to one of them
// (even one the workflow imports through another, such as src/domain/splits.ts) gives a new key;
// a change elsewhere does not.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/temporal/devServer.ts';
import { workflowSourceKey } from '../../src/temporal/workflowBundle.ts';

describe('workflow bundle key', () => {
  it('follows the modules the workflow imports, directly or not', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'bundle-key-'));
    for (const entry of ['workflows', 'src', 'package-lock.json', 'tsconfig.json'])
      cpSync(join(PROJECT_ROOT, entry), join(copy, entry), { recursive: true });
    const original = await workflowSourceKey(copy);
    assert.equal(original.key, (await workflowSourceKey(PROJECT_ROOT)).key, 'the copy has the project’s key');
    assert.ok(original.modules.includes('src/domain/splits.ts'), `bundled: ${original.modules.join(', ')}`);
    assert.ok(original.modules.includes('workflows/generateDataset.ts'));

    appendFileSync(join(copy, 'src/fidelity/metrics.ts'), '\n// not reached by the workflow\n');
    assert.equal((await workflowSourceKey(copy)).key, original.key, 'a module the workflow does not import keeps the key');

    appendFileSync(join(copy, 'src/domain/splits.ts'), '\nexport const CHANGED = 1;\n');
    const changed = await workflowSourceKey(copy);
    assert.notEqual(changed.key, original.key, 'a module imported through src/dataset/batchStats.ts changes the key');
  });
});
