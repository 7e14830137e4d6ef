import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalStore } from '../../src/storage/localStore.ts';

describe('local store', () => {
  it('putIfAbsent: of many concurrent writers exactly one wins, and the object holds its whole content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    const store = new LocalStore(dir);
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        store.putIfAbsent('_staging/_lease.json', JSON.stringify({ runId: `run-${i}`, padding: 'x'.repeat(100_000) })),
      ),
    );
    assert.equal(outcomes.filter(Boolean).length, 1);
    const winner = outcomes.indexOf(true);
    assert.equal(JSON.parse(readFileSync(join(dir, '_staging/_lease.json'), 'utf8')).runId, `run-${winner}`);
    assert.deepEqual(readdirSync(join(dir, '_staging')), ['_lease.json'], 'no temp files left');
    assert.equal(await store.putIfAbsent('_staging/_lease.json', 'again'), false);
  });
});
