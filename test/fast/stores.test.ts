import { isStorageError, storageFailureAdvice, storageFailureClass } from '../../src/storage/storageErrors.ts';
import { DEFAULT_CONFIG, durationMs, validateRunConfig } from '../../src/config/config.ts';
import { judgeStorageFailure, patienceOf } from '../../activities/storageFailures.ts';
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

describe('which failures are the storage’s, and of which class', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  const s3 = (name: string, status: number, message = name) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('outages are transient: the network, S3 5xx and throttling, the transport, a full disk', () => {
    for (const error of [
      withCode('ENOSPC'),
      withCode('EDQUOT'),
      new Error('fetch failed', { cause: withCode('ECONNREFUSED') }),
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
      s3('ServiceUnavailable', 503),
      s3('InternalError', 500),
      s3('SlowDown', 503),
      s3('TooManyRequests', 429),
    ])
      assert.equal(storageFailureClass(error), 'transient', error.message);
  });

  it('what a person must fix: refused credentials, a missing bucket, a read-only or forbidden directory', () => {
    for (const error of [
      withCode('EROFS'),
      withCode('EACCES'),
      withCode('EPERM'),
      s3('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided.'),
      s3('InvalidAccessKeyId', 403),
      s3('AccessDenied', 403),
      s3('NoSuchBucket', 404, 'The specified bucket does not exist.'),
      s3('NotFound', 404, 'No user exists with the provided access key ID.'),
      s3('ExpiredToken', 400),
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
    ])
      assert.equal(storageFailureClass(error), 'needsPerson', error.message);
  });

  it('a broken invariant, a bug or an S3 answer the code did not expect is not the storage’s', () => {
    assert.equal(isStorageError(new Error('Parquet writer wrote 9 rows, expected 10')), false);
    assert.equal(isStorageError(withCode('ERR_ASSERTION')), false);
    assert.equal(isStorageError(s3('InvalidArgument', 400)), false);
    assert.equal(isStorageError(undefined), false);
  });

  it('says what to fix in the user’s words', () => {
    const at = 's3://twins/ds';
    assert.match(storageFailureAdvice(s3('SignatureDoesNotMatch', 403), at), /S3 refused the secret key \(AWS_SECRET_ACCESS_KEY\)/);
    assert.match(
      storageFailureAdvice(s3('NotFound', 404, 'No user exists with the provided access key ID.'), at),
      /does not know the access key \(AWS_ACCESS_KEY_ID\)/,
    );
    assert.match(
      storageFailureAdvice(s3('NoSuchBucket', 404), at),
      /the bucket of s3:\/\/twins\/ds does not exist: create it, or fix --out/,
    );
    assert.match(
      storageFailureAdvice(withCode('EROFS'), '/data/ds'),
      /\/data\/ds is on a read-only file system \(EROFS\): make it writable/,
    );
  });
});

describe('patience: how long a run waits on its storage', () => {
  const config = { storagePatience: '90s', outagePatience: '2h' };
  const refused = Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

  it('durations: 90s, 30m, 2h, 1d; refused outside 1 s – 30 days, with one line naming the key', () => {
    assert.equal(durationMs('90s'), 90_000);
    assert.equal(durationMs('1.5h'), 5_400_000);
    assert.equal(durationMs('1d'), 86_400_000);
    assert.ok(Number.isNaN(durationMs('soon')));
    assert.equal(validateRunConfig({ storagePatience: '30m' }).storagePatience, '30m');
    assert.throws(
      () => validateRunConfig({ storagePatience: '0s' }),
      /invalid storagePatience \(--storage-patience\): got "0s", expected a duration from 1s to 30d/,
    );
    assert.throws(() => validateRunConfig({ outagePatience: '31d' }), /invalid outagePatience \(--outage-patience\)/);
  });

  it('a failure a person must fix is retried until its patience has passed since it began, then the run ends', () => {
    const first = judgeStorageFailure(refused, 's3://b/ds', config, undefined, 1_000_000)!;
    assert.equal(first.storageClass, 'needsPerson');
    assert.equal(first.end, false);
    assert.equal(first.newCause, true);
    assert.match(first.message, /retried until --storage-patience 90s has passed, then the run ends/);
    const again = judgeStorageFailure(refused, 's3://b/ds', config, first.wait, 1_000_000 + 60_000)!;
    assert.equal(again.end, false);
    assert.equal(again.newCause, false, 'the same cause is said once');
    const late = judgeStorageFailure(refused, 's3://b/ds', config, again.wait, 1_000_000 + 90_000)!;
    assert.equal(late.end, true);
    assert.match(
      late.message,
      /failed for 90 s, longer than its patience \(--storage-patience 90s\): the run ends; committed data is intact/,
    );
  });

  it('an outage has its own, longer patience; older plans without the keys take the defaults', () => {
    const outage = judgeStorageFailure(down, '/data/ds', config, undefined, 0)!;
    assert.equal(outage.storageClass, 'transient');
    assert.equal(judgeStorageFailure(down, '/data/ds', config, outage.wait, 7_199_000)!.end, false);
    assert.equal(judgeStorageFailure(down, '/data/ds', config, outage.wait, 7_200_000)!.end, true);
    assert.equal(patienceOf({}, 'needsPerson').text, DEFAULT_CONFIG.storagePatience);
    assert.equal(patienceOf({}, 'transient').text, DEFAULT_CONFIG.outagePatience);
    assert.equal(judgeStorageFailure(new Error('a bug'), '/data/ds', config, undefined, 0), undefined);
  });
});
