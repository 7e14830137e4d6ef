import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, phaseEta } from '../../src/cli/phaseEta.ts';
import { storageWait } from '../../src/cli/progressView.ts';
import { STORAGE_FAILURE_TYPE, STORAGE_NEEDS_PERSON_TYPE } from '../../src/storage/storageErrors.ts';

describe('progress bar ETA', () => {
  it('starts over when the phase changes: a long commit after the batches gets its own estimate', () => {
    let nowMs = 0;
    const eta = phaseEta(() => nowMs);
    assert.equal(eta('simulating', 0, 20), '…');
    nowMs = 10_000;
    assert.equal(eta('simulating', 5, 20), '30s'); // 10 s for 5 batches, 15 left
    nowMs = 40_000;
    assert.equal(eta('simulating', 20, 20), '0s');
    // The commit begins: nothing known yet, whatever the batches took.
    assert.equal(eta('commit publishing', 0, 6000), '…');
    nowMs = 70_000;
    assert.equal(eta('commit publishing', 600, 6000), '4m30s'); // 30 s for 600, 5400 left
    nowMs = 100_000;
    assert.equal(eta('commit publishing', 1200, 6000), '4m00s');
  });

  it('never shows a broken value: no progress yet, done, a total that shrank, hours', () => {
    let nowMs = 0;
    const eta = phaseEta(() => nowMs);
    eta('reading', 3, 10);
    nowMs = 5_000;
    assert.equal(eta('reading', 3, 10), '…');
    assert.equal(eta('reading', 12, 10), '0s');
    nowMs = 3_600_000;
    assert.equal(eta('reading', 4, 10), '6h00m'); // an hour for one file, six left
    for (const text of [eta('reading', 5, 10), eta('x', 0, 0), eta('x', 1, 1e9)]) assert.match(text, /^(…|\d+s|\d+m\d\ds|\d+h\d\dm)$/);
  });

  it('formats seconds, minutes and hours', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(59), '59s');
    assert.equal(formatDuration(61), '1m01s');
    assert.equal(formatDuration(7500), '2h05m');
  });
});

describe('progress bar: waiting for storage', () => {
  const activity = (attempt: number, type: string, message: string) => ({
    attempt,
    lastFailure: { message, applicationFailureInfo: { type } },
  });
  it('names the storage failure an activity is being retried for; other failures and first attempts are not a wait', () => {
    assert.equal(storageWait([]), undefined);
    assert.equal(storageWait([activity(1, STORAGE_FAILURE_TYPE, 'connect ECONNREFUSED 127.0.0.1:9000')]), undefined);
    assert.equal(storageWait([activity(3, 'RunFailed', 'Parquet writer wrote 9 rows')]), undefined);
    assert.equal(
      storageWait([activity(2, 'RunFailed', 'x'), activity(5, STORAGE_FAILURE_TYPE, 'connect ECONNREFUSED\n127.0.0.1:9000')]),
      'waiting for storage: connect ECONNREFUSED 127.0.0.1:9000',
    );
    const long = storageWait([activity(2, STORAGE_FAILURE_TYPE, 'x'.repeat(300))])!;
    assert.equal(long.length, 'waiting for storage: '.length + 140);
  });

  it('a failure a person must fix comes first, as "storage needs you"', () => {
    assert.equal(
      storageWait([
        activity(4, STORAGE_FAILURE_TYPE, 'connect ECONNREFUSED'),
        activity(2, STORAGE_NEEDS_PERSON_TYPE, 'S3 refused the secret key (AWS_SECRET_ACCESS_KEY)'),
      ]),
      'storage needs you: S3 refused the secret key (AWS_SECRET_ACCESS_KEY)',
    );
  });
});
