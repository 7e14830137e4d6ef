// S3 output against a real S3-compatible server (versitygw) on 127.0.0.1, through @aws-sdk/client-s3.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { localRunLogPath } from '../../src/cli/attach.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { assertCommittedLayout, assertUniquePatients, datasetHash } from '../helpers/datasetChecks.ts';
import { duckdb } from '../helpers/duckdb.ts';
import { heldMarker, startFaultWorkers } from '../helpers/faultWorker.ts';
import { S3_SECRET_KEY, startTestS3, type TestS3 } from '../helpers/s3Server.ts';
import { startTestTemporal } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait.ts';
import { S3Store } from '../../src/storage/s3Store.ts';

const RUN = ['--patients', '8', '--days', '0.3', '--batch-size', '2', '--seed', '33'];
let temporal: DevServer;
let s3: TestS3;
let db: DuckDBConnection;
let env: Record<string, string>;
let localReference: Record<string, string>;

before(async () => {
  temporal = await startTestTemporal();
  s3 = await startTestS3();
  env = { TEMPORAL_ADDRESS: temporal.address, ...s3.env };
  db = await duckdb();
  const reference = join(mkdtempSync(join(tmpdir(), 's3-ref-')), 'ds');
  const result = await runCli(['generate', ...RUN, '--out', reference, '--workers', '2'], env);
  assert.equal(result.code, 0, result.stderr);
  localReference = await datasetHash(db, reference);
});
after(async () => {
  await s3?.stop();
  await temporal?.stop();
});

const allFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    : [];

describe('S3 output', () => {
  it('a full run writes the same layout and rows as a local run; append adds new patients; no secret in any log', async () => {
    const bucketDir = s3.createBucket('twins');
    const first = await runCli(['generate', ...RUN, '--out', 's3://twins/cohort-a', '--workers', '2'], env);
    assert.equal(first.code, 0, first.stderr);
    const dataset = join(bucketDir, 'cohort-a');
    assertCommittedLayout(dataset);
    assert.deepEqual(await datasetHash(db, dataset), localReference);
    const logs = readdirSync(dataset).filter((f) => /^ml_dataset_generation_\d{8}_\d{6}\.log$/.test(f));
    assert.equal(logs.length, 1, 'the run log is uploaded at commit');
    assert.equal(existsSync(localRunLogPath('s3://twins/cohort-a', logs[0]!)), false, 'the local copy of an uploaded run log is removed');

    const second = await runCli(['generate', ...RUN, '--out', 's3://twins/cohort-a', '--workers', '2'], env);
    assert.equal(second.code, 0, second.stderr);
    assertCommittedLayout(dataset);
    await assertUniquePatients(db, dataset, 16);

    const status = await runCli(['status', '--out', 's3://twins/cohort-a'], env);
    assert.match(status.stdout, /2 committed run\(s\), 16 patients/);
    for (const text of [
      first.stdout,
      first.stderr,
      second.stdout,
      second.stderr,
      ...logs.map((f) => readFileSync(join(dataset, f), 'utf8')),
    ]) {
      assert.ok(!text.includes(S3_SECRET_KEY), 'the secret key never appears in output or logs');
    }
    assert.deepEqual(allFiles(join(dataset, '_staging')), [], 'no staging objects left');
  });

  it('the lease is a conditional write: of concurrent writers exactly one takes it', async () => {
    s3.createBucket('leases');
    Object.assign(process.env, s3.env);
    const store = new S3Store('s3://leases/ds');
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.putIfAbsent('_staging/_lease.json', JSON.stringify({ runId: `run-${i}` }))),
    );
    assert.equal(outcomes.filter(Boolean).length, 1, JSON.stringify(outcomes));
    assert.equal(JSON.parse(new TextDecoder().decode(await store.get('_staging/_lease.json'))).runId, `run-${outcomes.indexOf(true)}`);
    assert.equal(await store.putIfAbsent('_staging/_lease.json', 'again'), false);
  });

  it('realism (--out s3://… and --in s3://…) and evaluate (--in s3://…) read S3 datasets', async () => {
    const bucketDir = s3.createBucket('checks');
    const generated = await runCli(
      ['realism', '--patients', '10', '--days', '1', '--seed', '5', '--out', 's3://checks/cohort', '--workers', '2'],
      env,
    );
    assert.ok(generated.code === 0 || generated.code === 1, generated.stderr);
    assert.match(generated.stdout, /Realism report for s3:\/\/checks\/cohort: 10 patients/);
    assert.match(generated.stdout, /JSON report: s3:\/\/checks\/cohort\/realism_report\.json/);
    const written = JSON.parse(readFileSync(join(bucketDir, 'cohort', 'realism_report.json'), 'utf8'));
    assert.equal(written.patients, 10);
    const reread = await runCli(['realism', '--in', 's3://checks/cohort'], env);
    assert.equal(reread.code, generated.code, reread.stderr);
    assert.equal(JSON.parse(readFileSync(join(bucketDir, 'cohort', 'realism_report.json'), 'utf8')).windows, written.windows);

    const evaluated = await runCli(['evaluate', '--in', 's3://checks/cohort', '--train-rows', '5000'], env);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const evaluation = JSON.parse(readFileSync(join(bucketDir, 'cohort', 'evaluation.json'), 'utf8'));
    assert.equal(evaluation.dataset.patients, 10);
    assert.match(readFileSync(join(bucketDir, 'cohort', 'DATASET_CARD.md'), 'utf8'), /## Baselines/);
    assertCommittedLayout(join(bucketDir, 'cohort'));
  });

  it('the S3 server stopped mid-run and restarted: the run completes after it returns, identical rows', async () => {
    const bucketDir = s3.createBucket('outage');
    const dataset = join(bucketDir, 'ds');
    const run = startCli(['generate', ...RUN, '--out', 's3://outage/ds', '--workers', '1'], env);
    await waitFor('staged parts on S3', () => allFiles(join(dataset, '_staging')).some((f) => f.endsWith('.parquet')), 60_000);
    await s3.stop();
    await new Promise((r) => setTimeout(r, 4000));
    await s3.restart();
    const result = await run.done;
    assert.equal(result.code, 0, result.stderr);
    assertCommittedLayout(dataset);
    assert.deepEqual(await datasetHash(db, dataset), localReference);
  });

  it('S3 down for 60 s from the start of the commit: the progress line says so, then the run commits, identical rows', async () => {
    const bucketDir = s3.createBucket('commit-outage');
    const dataset = join(bucketDir, 'ds');
    // The test's worker stops at the commit's first step until S3 is down, so the outage surely
    // covers the commit (stopping S3 when the last batch is staged raced a fast commit).
    const release = join(mkdtempSync(join(tmpdir(), 'commit-outage-')), 'release');
    const workers = await startFaultWorkers(temporal.address, { holdAt: 'commit-start', release });
    try {
      const run = startCli(['generate', ...RUN, '--out', 's3://commit-outage/ds', '--workers', '0'], env);
      await waitFor('the commit started', () => existsSync(heldMarker(release)), 120_000);
      await s3.stop();
      const stoppedAt = Date.now();
      writeFileSync(release, '');
      try {
        await waitFor('the progress line', () => /waiting for storage: /.test(run.output().stderr), 55_000);
        await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - stoppedAt))));
        assert.equal(existsSync(join(dataset, '_manifest.json')), false, 'nothing committed while S3 was down');
      } finally {
        await s3.restart();
      }
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      assertCommittedLayout(dataset);
      assert.deepEqual(await datasetHash(db, dataset), localReference);
    } finally {
      await workers.pool.stop();
    }
  });

  it('bad S3 locations: one clear line, exit 2, nothing written', async () => {
    const malformed = await runCli(['generate', '--out', 's3://Not_A_Bucket/x', '--patients', '1', '--days', '0.1'], env);
    assert.equal(malformed.code, 2);
    assert.equal(malformed.stderr.trim().split('\n').length, 1, malformed.stderr);
    assert.match(malformed.stderr, /invalid outputDir \(--out\): .*invalid bucket name/);
    const missing = await runCli(['generate', '--out', 's3://no-such-bucket/x', '--patients', '1', '--days', '0.1'], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the bucket does not exist/);
    assert.equal(existsSync(join(s3.root, 'no-such-bucket')), false);
    const denied = await runCli(['generate', '--out', 's3://twins/denied', '--patients', '1', '--days', '0.1'], {
      ...env,
      AWS_SECRET_ACCESS_KEY: 'wrong-secret',
    });
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /access denied|not reachable/);
    assert.ok(!denied.stderr.includes('wrong-secret'));
  });
});
