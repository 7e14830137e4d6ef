// Storage a person must fix, against the real servers: versitygw restarted under another secret key
// (credentials rotated under a running generation) and a bucket removed. What the user sees within
// seconds; the run ending by itself once its patience has passed (exit 1, the cause named,
// committed data byte-identical); `cancel` returning within a minute; the next run proceeding once
// it is fixed, with nothing of the failed run left; the same breakage fixed within the patience
// giving the rows of an uninterrupted run.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { Client, Connection } from '@temporalio/client';
import { workflowIdFor } from '../../src/temporal/connection.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { assertCommittedLayout, datasetHash } from '../helpers/datasetChecks.ts';
import { duckdb } from '../helpers/duckdb.ts';
import { heldMarker, startFaultWorkers } from '../helpers/faultWorker.ts';
import { startTestS3, type TestS3 } from '../helpers/s3Server.ts';
import { startTestTemporal } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait.ts';

const ROTATED = 'rotated-secret-9f3Kq2Lw7Xc1Vb8Nz0Ts';
/** 16 batches of one patient: a run long enough to break while it stages. */
const RUN = ['--patients', '16', '--days', '0.25', '--batch-size', '1', '--seed', '71', '--workers', '1'];
let temporal: DevServer;
let s3: TestS3;
let db: DuckDBConnection;
let env: Record<string, string>;

before(async () => {
  temporal = await startTestTemporal();
  s3 = await startTestS3();
  env = { TEMPORAL_ADDRESS: temporal.address, ...s3.env };
  db = await duckdb();
});
after(async () => {
  await s3?.stop();
  await temporal?.stop();
});

/** Every file of a dataset by its bytes' hash (what "committed data untouched" means). */
function fileHashes(dataset: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dataset, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const key = relative(dataset, path);
    // Staging and the run logs belong to runs in flight, not to the committed data.
    if (key.startsWith('_staging') || key.startsWith('.') || key.endsWith('.log')) continue;
    out[key] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

const manifestRuns = (dataset: string): number =>
  existsSync(join(dataset, '_manifest.json'))
    ? (JSON.parse(readFileSync(join(dataset, '_manifest.json'), 'utf8')) as { runs: unknown[] }).runs.length
    : 0;

const stagedBatches = (dataset: string) =>
  readdirSync(join(dataset, '_staging'), { recursive: true }).filter(
    (name) => String(name).endsWith('.json') && String(name).includes('batch'),
  ).length;

/** A committed dataset of 2 patients, then a second run started on it; resolves once it has staged a few batches. */
async function committedThenRunning(name: string, patience: string[]) {
  const bucketDir = s3.createBucket(name);
  const out = `s3://${name}/ds`;
  const first = await runCli(
    ['generate', '--patients', '2', '--days', '0.25', '--seed', '71', '--out', out, '--workers', '1', '--quiet'],
    env,
  );
  assert.equal(first.code, 0, first.stderr);
  const dataset = join(bucketDir, 'ds');
  const committed = fileHashes(dataset);
  const run = startCli(['generate', ...RUN, '--out', out, ...patience], env);
  await waitFor('a few batches staged', () => existsSync(join(dataset, '_staging')) && stagedBatches(dataset) >= 2, 120_000);
  return { out, dataset, committed, run };
}

describe('storage a person must fix (versitygw, real credentials)', () => {
  it('secret rotated mid-run: said within seconds; the run ends by itself after --storage-patience (10 s), committed data untouched; the next run proceeds once fixed', async (t) => {
    const { out, dataset, committed, run } = await committedThenRunning('rotated', ['--storage-patience', '10s']);
    await s3.stop();
    await s3.restart(ROTATED);
    const brokeAt = Date.now();
    try {
      await waitFor(
        'the cause, said at once',
        () => /S3 refused the secret key \(AWS_SECRET_ACCESS_KEY\)/.test(run.output().stderr + run.output().stdout),
        30_000,
      );
      const saidAfter = Date.now() - brokeAt;
      const ended = await run.done;
      const endedAfter = Date.now() - brokeAt;
      assert.equal(ended.code, 1, ended.stdout + ended.stderr);
      assert.match(ended.stderr, /longer than its patience \(--storage-patience 10s\): the run ends; committed data is intact/);
      t.diagnostic(`cause shown ${saidAfter} ms after the rotation; run ended (exit 1) after ${endedAfter} ms`);
      assert.ok(saidAfter < 30_000, `said after ${saidAfter} ms`);
      assert.ok(endedAfter < 90_000, `ended ${endedAfter} ms after the rotation (patience 10 s, retries at most every 30 s)`);
      // While broken, status names the problem instead of reading an empty dataset.
      const status = await runCli(['status', '--out', out], env);
      assert.equal(status.code, 1, status.stdout + status.stderr);
      assert.match(status.stdout, /cannot be read: S3 refused the secret key/);
    } finally {
      await s3.stop();
      await s3.restart();
    }
    assert.deepEqual(fileHashes(dataset), committed, 'committed data byte-identical');
    const next = await runCli(['generate', '--patients', '2', '--days', '0.25', '--out', out, '--workers', '1', '--quiet'], env);
    assert.equal(next.code, 0, next.stderr);
    assertCommittedLayout(dataset);
    assert.equal(existsSync(join(dataset, '_staging')), false, 'no staging of the failed run left');
  });

  it('secret rotated mid-commit: cancel ends the waiting commit within a minute, nothing published; the next run proceeds', async (t) => {
    const bucketDir = s3.createBucket('cancelled');
    const out = 's3://cancelled/ds';
    const dataset = join(bucketDir, 'ds');
    const first = await runCli(
      ['generate', '--patients', '2', '--days', '0.25', '--seed', '71', '--out', out, '--workers', '1', '--quiet'],
      env,
    );
    assert.equal(first.code, 0, first.stderr);
    const committed = fileHashes(dataset);
    // The test's worker (its credentials are the ones rotated away) holds at the commit's start.
    Object.assign(process.env, s3.env);
    const release = join(mkdtempSync(join(tmpdir(), 'commit-rotation-')), 'release');
    const workers = await startFaultWorkers(temporal.address, { holdAt: 'commit-start', release });
    try {
      const run = startCli(
        ['generate', '--patients', '4', '--days', '0.25', '--out', out, '--workers', '0', '--storage-patience', '10m'],
        env,
      );
      await waitFor('the commit started', () => existsSync(heldMarker(release)), 120_000);
      await s3.stop();
      await s3.restart(ROTATED);
      writeFileSync(release, '');
      try {
        await waitFor(
          'the cause',
          () => /S3 refused the secret key/.test(run.output().stderr + run.output().stdout + workers.lines.join('\n')),
          60_000,
        );
        const cancelStarted = Date.now();
        // `cancel` runs with the refused credentials too: it must not need the storage to end the run.
        const cancel = await runCli(['cancel', '--out', out], env, 90_000);
        const cancelTook = Date.now() - cancelStarted;
        t.diagnostic(`cancel returned after ${cancelTook} ms`);
        assert.ok(cancelTook < 60_000, `cancel took ${cancelTook} ms`);
        assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
        assert.match(cancel.stdout, /cancelled the generation of s3:\/\/cancelled\/ds; committed data is untouched/);
        const ended = await run.done;
        assert.equal(ended.code, 1);
      } finally {
        await s3.stop();
        await s3.restart();
      }
    } finally {
      await workers.pool.stop();
    }
    assert.deepEqual(fileHashes(dataset), committed, 'nothing of the cancelled commit was published');
    const next = await runCli(['generate', '--patients', '2', '--days', '0.25', '--out', out, '--workers', '1', '--quiet'], env);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(existsSync(join(dataset, '_staging')), false, 'the lease and staging the cancelled run left were taken over');
  });

  it('fixed within the patience: the run completes with the rows of an uninterrupted run', async () => {
    const reference = join(mkdtempSync(join(tmpdir(), 'rotation-ref-')), 'ds');
    const uninterrupted = await runCli(
      ['generate', '--patients', '2', '--days', '0.25', '--seed', '71', '--out', reference, '--workers', '1', '--quiet'],
      env,
    );
    assert.equal(uninterrupted.code, 0, uninterrupted.stderr);
    const appended = await runCli(['generate', ...RUN, '--out', reference, '--quiet'], env);
    assert.equal(appended.code, 0, appended.stderr);

    const { dataset, run } = await committedThenRunning('fixed', ['--storage-patience', '5m']);
    await s3.stop();
    await s3.restart(ROTATED);
    await waitFor('the cause', () => /S3 refused the secret key/.test(run.output().stderr + run.output().stdout), 30_000);
    await s3.stop();
    await s3.restart();
    const done = await run.done;
    assert.equal(done.code, 0, done.stderr);
    assertCommittedLayout(dataset);
    assert.deepEqual(await datasetHash(db, dataset), await datasetHash(db, reference));
  });

  it('the bucket removed mid-run: named at once, the run ends after its patience; status says so, not an empty dataset', async () => {
    const { out, run } = await committedThenRunning('gone', ['--storage-patience', '5s']);
    await s3.removeBucket('gone');
    await waitFor(
      'the cause',
      () => /the bucket of s3:\/\/gone\/ds does not exist: create it, or fix --out/.test(run.output().stderr),
      30_000,
      () => `the run's output so far:\n${run.output().stderr}`,
    );
    const ended = await run.done;
    assert.equal(ended.code, 1, ended.stderr);
    assert.match(ended.stderr, /longer than its patience \(--storage-patience 5s\)/);
    const status = await runCli(['status', '--out', out], env);
    assert.equal(status.code, 1);
    assert.match(status.stdout, /cannot be read: the bucket of s3:\/\/gone\/ds does not exist: create it, or fix --out/);
    const refused = await runCli(['generate', '--patients', '2', '--days', '0.1', '--out', out, '--workers', '1'], env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /the bucket does not exist/);
  });
});

/**
 * Makes directories immutable (chattr +i: even root gets EPERM creating, renaming or deleting in
 * them), as a read-only file system behaves for the run. Needs root on ext4: under CI (root) a
 * failure fails the test; elsewhere the test is skipped, saying why.
 */
function immutable(t: { skip: (why: string) => void }, on: boolean, ...dirs: string[]): boolean {
  try {
    execFileSync('chattr', ['-R', on ? '+i' : '-i', ...dirs], { stdio: 'pipe' });
    return true;
  } catch (error) {
    const why = `chattr failed (needs root on ext4): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
    if (process.env.CI === 'true') assert.fail(`${why}; CI runs as root, so this is a failure there`);
    t.skip(why);
    return false;
  }
}

describe('a local output that cannot be written (a person must fix it)', () => {
  const localRun = (dataset: string, extra: string[] = []) =>
    runCli(['generate', '--patients', '2', '--days', '0.25', '--seed', '71', '--out', dataset, '--workers', '1', '--quiet', ...extra], {
      TEMPORAL_ADDRESS: temporal.address,
    });

  it('mid-batch: named at once, the run ends after its patience, committed data untouched; writable again, the next run takes over', async (t) => {
    const dataset = join(mkdtempSync(join(tmpdir(), 'immutable-batch-')), 'ds');
    assert.equal((await localRun(dataset)).code, 0);
    const committed = fileHashes(dataset);
    const run = startCli(['generate', ...RUN, '--out', dataset, '--storage-patience', '10s'], { TEMPORAL_ADDRESS: temporal.address });
    await waitFor('a few batches staged', () => existsSync(join(dataset, '_staging')) && stagedBatches(dataset) >= 2, 120_000);
    if (!immutable(t, true, join(dataset, '_staging'))) {
      process.kill(-run.child.pid!, 'SIGKILL');
      return;
    }
    try {
      await waitFor('the cause', () => /cannot write to .* \(EPERM\): fix its permissions/.test(run.output().stderr), 30_000);
      const ended = await run.done;
      assert.equal(ended.code, 1, ended.stderr);
      assert.match(ended.stderr, /longer than its patience \(--storage-patience 10s\): the run ends; committed data is intact/);
    } finally {
      immutable(t, false, join(dataset, '_staging'));
    }
    assert.deepEqual(fileHashes(dataset), committed, 'committed data byte-identical');
    assert.ok(existsSync(join(dataset, '_staging')), 'the clean-up could not remove the staging: left for the next run');
    assert.equal((await localRun(dataset)).code, 0);
    assertCommittedLayout(dataset);
    assert.equal(existsSync(join(dataset, '_staging')), false, 'the next run took the failed run’s staging and lease over');
  });

  it('mid-commit: a commit that cannot publish ends after its patience with nothing published; the next run proceeds', async (t) => {
    const dataset = join(mkdtempSync(join(tmpdir(), 'immutable-commit-')), 'ds');
    assert.equal((await localRun(dataset)).code, 0);
    const committed = fileHashes(dataset);
    const tables = readdirSync(dataset)
      .filter((name) => name.endsWith('.parquet'))
      .map((name) => join(dataset, name));
    const release = join(mkdtempSync(join(tmpdir(), 'immutable-commit-hold-')), 'release');
    const workers = await startFaultWorkers(temporal.address, { holdAt: 'commit-start', release });
    try {
      const run = startCli(
        ['generate', '--patients', '4', '--days', '0.25', '--out', dataset, '--workers', '0', '--storage-patience', '10s'],
        {
          TEMPORAL_ADDRESS: temporal.address,
        },
      );
      await waitFor('the commit started', () => existsSync(heldMarker(release)), 120_000);
      if (!immutable(t, true, ...tables)) {
        writeFileSync(release, '');
        process.kill(-run.child.pid!, 'SIGKILL');
        return;
      }
      writeFileSync(release, '');
      try {
        const ended = await run.done;
        assert.equal(ended.code, 1, ended.stderr);
        assert.match(ended.stderr, /\(EPERM\): fix its permissions; the storage has failed for \d+ s, longer than its patience/);
      } finally {
        immutable(t, false, ...tables);
      }
      assert.deepEqual(fileHashes(dataset), committed, 'nothing published, committed data byte-identical');
    } finally {
      await workers.pool.stop();
    }
    assert.equal((await localRun(dataset)).code, 0);
    assertCommittedLayout(dataset);
    assert.equal(existsSync(join(dataset, '_staging')), false);
  });
});

describe('a schedule whose storage needs a person', () => {
  it('each night fails after its patience instead of waiting forever; once fixed, the next scheduled run commits', async (t) => {
    const dataset = join(mkdtempSync(join(tmpdir(), 'immutable-schedule-')), 'ds');
    const env = { TEMPORAL_ADDRESS: temporal.address };
    const first = await runCli(['generate', '--patients', '2', '--days', '0.1', '--out', dataset, '--workers', '1', '--quiet'], env);
    assert.equal(first.code, 0, first.stderr);
    const workers = startCli(['worker', '--workers', '1'], env);
    const connection = await Connection.connect({ address: temporal.address });
    const client = new Client({ connection });
    const failedRuns = async () => {
      const messages: string[] = [];
      for await (const run of client.workflow.list({ query: `ExecutionStatus = 'Failed'` })) {
        if (!run.workflowId.startsWith(workflowIdFor(dataset))) continue;
        const failure = await client.workflow
          .getHandle(run.workflowId, run.runId)
          .result()
          .catch((error: Error) => String((error as { cause?: Error }).cause?.message ?? error.message));
        messages.push(String(failure));
      }
      return messages;
    };
    try {
      const created = await runCli(
        [
          'schedule',
          'create',
          '--id',
          'needs-person',
          '--every',
          '5s',
          '--patients',
          '2',
          '--days',
          '0.1',
          '--out',
          dataset,
          '--storage-patience',
          '5s',
        ],
        env,
      );
      assert.equal(created.code, 0, created.stderr);
      // The storage breaks after the schedule was created (creating it checks the output is writable).
      if (!immutable(t, true, dataset)) return;
      await waitFor('a scheduled run that ended by its patience', async () => (await failedRuns()).length > 0, 90_000);
      assert.match(
        (await failedRuns())[0]!,
        /\(EPERM\): fix its permissions; the storage has failed for \d+ s, longer than its patience \(--storage-patience 5s\)/,
      );
      immutable(t, false, dataset);
      const runsWhenFixed = manifestRuns(dataset);
      await waitFor('the next scheduled run committed', () => manifestRuns(dataset) > runsWhenFixed, 90_000);
    } finally {
      immutable(t, false, dataset);
      await runCli(['schedule', 'delete', 'needs-person'], env);
      workers.child.kill('SIGTERM');
      await workers.done;
      await connection.close();
    }
    await waitFor('no run in progress', () => !existsSync(join(dataset, '_staging')), 60_000);
    assertCommittedLayout(dataset);
  });
});
