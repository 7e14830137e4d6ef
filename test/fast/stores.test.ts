import { isStorageError } from '../../src/storage/storageErrors.ts';
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

describe('which failures are the storage’s (retried for as long as it takes)', () => {
  it('errno codes, S3 responses and the SDK transport are; a broken invariant is not', () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(isStorageError(withCode('ENOSPC')), true);
    assert.equal(isStorageError(withCode('EROFS')), true);
    assert.equal(isStorageError(Object.assign(new Error('Service Unavailable'), { $metadata: { httpStatusCode: 503 } })), true);
    assert.equal(isStorageError(new Error('fetch failed', { cause: withCode('ECONNREFUSED') })), true);
    assert.equal(isStorageError(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' })), true);
    assert.equal(isStorageError(new Error('Parquet writer wrote 9 rows, expected 10')), false);
    assert.equal(isStorageError(withCode('ERR_ASSERTION')), false);
    assert.equal(isStorageError(undefined), false);
  });
});
