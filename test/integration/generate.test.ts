import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { DuckDBConnection } from '@duckdb/node-api';
import { featureColumnNames } from '../../src/dataset/arrowSchema.ts';
import { LABEL_NAMES } from '../../src/domain/features.ts';
import {
  DevServerStartError,
  EMBEDDED_NAMESPACE_DESCRIPTION,
  EMBEDDED_RETENTION,
  TEMPORAL_BINARY,
  startDevServer,
  type DevServer,
} from '../../src/temporal/devServer.ts';
import { workflowIdFor } from '../../src/temporal/connection.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { rows, scalar, tableGlob } from '../helpers/duckdb.ts';
import { assertCommittedLayout, partFilesIn, runStaged } from '../helpers/datasetChecks.ts';
import { runLog, waitFor } from '../helpers/wait.ts';
import { embeddedServerEnv, startTemporalWithDuckdb } from '../helpers/servers.ts';

const exec = promisify(execFile);
const TABLES = ['patient_demographics', 'timeseries_features_train', 'timeseries_features_val', 'timeseries_features_test'];
const SPLIT_TABLES = TABLES.slice(1);

let server: DevServer;
let db: DuckDBConnection;
let env: Record<string, string>;
const root = mkdtempSync(join(tmpdir(), 'twin-e2e-'));

before(async () => {
  ({ server, env, db } = await startTemporalWithDuckdb());
});
after(async () => {
  await server?.stop();
});

const small = (out: string, extra: string[] = []) => [
  'generate',
  '--patients',
  '6',
  '--days',
  '0.2',
  '--seed',
  '11',
  '--out',
  out,
  ...extra,
];
const allRows = (dataset: string) => SPLIT_TABLES.map((t) => `SELECT * FROM ${tableGlob(dataset, t)}`).join(' UNION ALL ');

describe('generate through the real Temporal server and worker processes', () => {
  const a = join(root, 'a');
  const b = join(root, 'b');

  it('writes the SCHEMA.md layout with 2 workers and batches of 4', async () => {
    const result = await runCli(small(a, ['--workers', '2', '--batch-size', '4']), env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /6 patients \(index 0–5\)/);
    // A quiet run: the second worker runs activities only, by design, and says nothing about it.
    assert.doesNotMatch(result.stderr, /\bWARN\b|No workflows registered/, result.stderr);
    const entries = readdirSync(a).sort();
    const logs = entries.filter((e) => /^ml_dataset_generation_\d{8}_\d{6}\.log$/.test(e));
    assert.equal(logs.length, 1);
    assert.deepEqual(
      entries.filter((e) => !logs.includes(e)),
      ['DATASET_CARD.md', '_SUCCESS', '_manifest.json', 'report.html', ...TABLES.map((t) => `${t}.parquet`)].sort(),
    );
    assert.equal(statSync(join(a, '_SUCCESS')).size, 0);
    for (const table of TABLES) {
      assert.ok(existsSync(join(a, `${table}.parquet`, '_delta_log', '00000000000000000000.json')), `${table} is a Delta table`);
      for (const file of partFilesIn(join(a, `${table}.parquet`)))
        assert.match(file, /^part-00001-\d{5}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.parquet$/);
    }
    const log = readFileSync(join(a, logs[0]!), 'utf8');
    assert.match(log, /worker 1/);
    assert.match(log, /batch staged/);
    const manifest = JSON.parse(readFileSync(join(a, '_manifest.json'), 'utf8'));
    assert.equal(manifest.schemaVersion, 5);
    assert.equal(manifest.runs.length, 1);
    assert.equal(manifest.totals.patient_demographics.rows, 6);
  });

  it('has exactly the contract schema, types and nullability (read by DuckDB)', async () => {
    const file = join(a, 'timeseries_features_train.parquet', partFilesIn(join(a, 'timeseries_features_train.parquet'))[0]!);
    const columns = (
      await rows(db, `SELECT name, type, logical_type, repetition_type, num_children, converted_type FROM parquet_schema('${file}')`)
    ).filter((r) => r[4] === null || Number(r[4]) === 0);
    assert.deepEqual(
      columns.map((r) => r[0]),
      [
        ...[
          'patient_id',
          'timestamp',
          ...featureColumnNames(5),
          'target_glucose_mgdl',
          'target_heart_rate_bpm',
          'target_hrv_sdnn',
          'target_respiratory_rate_rpm',
          ...LABEL_NAMES,
        ],
        ...[
          'target_glucose_mgdl_30min',
          'target_glucose_mgdl_60min',
          'label_hypoglycemia_within_30min',
          'label_hyperglycemia_within_30min',
          'label_hypoglycemia_within_60min',
          'label_hyperglycemia_within_60min',
        ],
      ],
    );
    for (const [name, type, logical, repetition, , converted] of columns) {
      assert.equal(repetition, 'OPTIONAL', `${name}: DuckDB declares every column OPTIONAL (schema 5)`);
      // DuckDB marks strings with the UTF8 converted type (every reader maps it to a string).
      if (name === 'patient_id') assert.equal(converted, 'UTF8');
      else if (name === 'timestamp') {
        assert.equal(type, 'INT64');
        assert.match(String(logical), /isAdjustedToUTC=1/);
        assert.match(String(logical), /MILLIS=<null>, MICROS=MicroSeconds\(\), NANOS=<null>/);
      } else if (String(name).startsWith('label_')) assert.equal(type, 'INT32');
      else assert.equal(type, 'DOUBLE', String(name));
    }
    const demo = await rows(db, `DESCRIBE SELECT * FROM ${tableGlob(a, 'patient_demographics')}`);
    assert.deepEqual(
      demo.slice(0, 9).map((r) => `${r[0]}:${r[1]}`),
      [
        'patient_id:VARCHAR',
        'age:INTEGER',
        'gender:VARCHAR',
        'bmi:DOUBLE',
        'height_cm:DOUBLE',
        'weight_kg:DOUBLE',
        'resting_hr_baseline:DOUBLE',
        'max_heart_rate:DOUBLE',
        'insulin_sensitivity_factor:DOUBLE',
      ],
    );
  });

  it('row counts are patients × (minutes − window); no patient is in two splits', async () => {
    const minutes = Math.round(0.2 * 1440);
    assert.equal(await scalar(db, `SELECT count(*) FROM (${allRows(a)})`), 6 * (minutes - 5));
    assert.equal(
      await scalar(db, `SELECT count(*) FROM (SELECT patient_id, count(*) c FROM (${allRows(a)}) GROUP BY 1) WHERE c <> ${minutes - 5}`),
      0,
    );
    const owners = await scalar(
      db,
      `SELECT max(n) FROM (SELECT patient_id, count(DISTINCT split) n FROM ` +
        `(${SPLIT_TABLES.map((t) => `SELECT patient_id, '${t}' split FROM ${tableGlob(a, t)}`).join(' UNION ALL ')}) GROUP BY 1)`,
    );
    assert.equal(owners, 1);
    // The demographics' split column agrees with where the rows are.
    for (const split of ['train', 'val', 'test']) {
      const mismatched = await scalar(
        db,
        `SELECT count(*) FROM ${tableGlob(a, `timeseries_features_${split}`)} t JOIN ` +
          `${tableGlob(a, 'patient_demographics')} d USING (patient_id) WHERE d.split <> '${split}'`,
      );
      assert.equal(mismatched, 0);
    }
    assert.equal(await scalar(db, `SELECT count(DISTINCT patient_id) FROM ${tableGlob(a, 'patient_demographics')}`), 6);
    // Timestamps are the window end: consecutive minutes per patient.
    const gaps = await scalar(
      db,
      `SELECT count(*) FROM (SELECT timestamp - lag(timestamp) OVER (PARTITION BY patient_id ORDER BY ` +
        `timestamp) d FROM (${allRows(a)})) WHERE d IS NOT NULL AND d <> INTERVAL 1 MINUTE`,
    );
    assert.equal(gaps, 0);
  });

  it('labels recomputed from the feature columns agree on every row', async () => {
    const g0 = 'feature_t0_glucose_mgdl',
      g1 = 'feature_t1_glucose_mgdl',
      hr0 = 'feature_t0_heart_rate_bpm',
      hr1 = 'feature_t1_heart_rate_bpm';
    const hrv = 'feature_t0_hrv_sdnn',
      eda = 'feature_t0_eda_microsiemens',
      qt = 'feature_t0_qt_interval_ms',
      act = 'feature_t0_activity_intensity';
    const rules: Record<string, string> = {
      label_hypoglycemia_risk: `${g0} < 70 OR (${g0} < 80 AND ${g0} - ${g1} < -3)`,
      label_hyperglycemia_risk: `${g0} > 250 OR (${g0} > 180 AND ${g0} - ${g1} > 5)`,
      label_fall_risk: `${g0} < 70 AND ${act} > 0.5 AND ${hrv} < 20`,
      label_cardiac_anomaly: `${qt} / sqrt(60.0 / ${hr0}) > 470 OR ${hr0} < 45 OR (${hr0} > 160 AND ${act} < 0.3)`,
      label_severe_hypotension_risk: `${g0} < 70 AND ${act} > 0.3 AND ${hr0} - ${hr1} < -10`,
      label_autonomic_dysregulation: `${eda} > 12 AND ${hrv} < 15 AND (${g0} < 70 OR ${g0} > 200)`,
    };
    for (const [label, rule] of Object.entries(rules)) {
      const disagreements = await scalar(db, `SELECT count(*) FROM (${allRows(a)}) WHERE ${label} <> CASE WHEN ${rule} THEN 1 ELSE 0 END`);
      assert.equal(disagreements, 0, label);
    }
    // Targets are the next minute's features.
    const targetMismatch = await scalar(
      db,
      `SELECT count(*) FROM (SELECT target_glucose_mgdl t, lead(feature_t0_glucose_mgdl) OVER (PARTITION BY ` +
        `patient_id ORDER BY timestamp) n FROM (${allRows(a)})) WHERE n IS NOT NULL AND n <> t`,
    );
    assert.equal(targetMismatch, 0);
  });

  it('gives identical rows with 1 worker and batches of 3', async () => {
    const result = await runCli(small(b, ['--workers', '1', '--batch-size', '3']), env);
    assert.equal(result.code, 0, result.stderr);
    for (const table of TABLES) {
      const [x, y] = [tableGlob(a, table), tableGlob(b, table)];
      assert.equal(await scalar(db, `SELECT count(*) FROM (SELECT * FROM ${x} EXCEPT ALL SELECT * FROM ${y})`), 0, table);
      assert.equal(await scalar(db, `SELECT count(*) FROM (SELECT * FROM ${y} EXCEPT ALL SELECT * FROM ${x})`), 0, table);
    }
  });

  it('an append to a dataset of the previous schema version (4, millisecond timestamps) is refused, nothing written', async () => {
    const older = join(root, 'older-schema');
    cpSync(b, older, { recursive: true });
    const manifestPath = join(older, '_manifest.json');
    writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), schemaVersion: 4 }));
    const snapshot = () =>
      readdirSync(older, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map(
          (entry) =>
            `${join(entry.parentPath, entry.name)} ${createHash('sha256')
              .update(readFileSync(join(entry.parentPath, entry.name)))
              .digest('hex')}`,
        )
        .sort();
    const before = snapshot();
    const refused = await runCli(small(older, ['--workers', '1']), env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /holds schema version 4 .*writes version 5 .*microseconds.*another --out, or replace this dataset with --no-append/,
    );
    assert.deepEqual(snapshot(), before);
  });

  it('a second run appends new, unique patients; --no-append replaces them', async () => {
    const again = await runCli(small(a, ['--workers', '2']), env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /6 patients \(index 6–11\)/);
    assert.equal(await scalar(db, `SELECT count(*) FROM ${tableGlob(a, 'patient_demographics')}`), 12);
    assert.equal(await scalar(db, `SELECT count(DISTINCT patient_id) FROM ${tableGlob(a, 'patient_demographics')}`), 12);
    assert.equal(await scalar(db, `SELECT count(DISTINCT patient_id) FROM (${allRows(a)})`), 12);
    // New patients, not copies: no identical glucose traces.
    assert.equal(
      await scalar(
        db,
        `SELECT count(*) FROM (SELECT list(feature_t0_glucose_mgdl ORDER BY timestamp) g FROM (${allRows(a)}) ` +
          `GROUP BY patient_id) GROUP BY g HAVING count(*) > 1`,
      ).catch(() => 0),
      0,
    );

    const replaced = await runCli(small(a, ['--workers', '2', '--no-append']), env);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(await scalar(db, `SELECT count(*) FROM ${tableGlob(a, 'patient_demographics')}`), 6);
    const manifest = JSON.parse(readFileSync(join(a, '_manifest.json'), 'utf8'));
    assert.equal(manifest.runs.length, 1);
    assert.deepEqual(manifest.pendingDeletes, []);
    const onDisk = TABLES.flatMap((t) => partFilesIn(join(a, `${t}.parquet`)).map((f) => `${t}.parquet/${f}`)).sort();
    assert.deepEqual(onDisk, manifest.files.map((f: { path: string }) => f.path).sort());
  });

  it('refuses a second concurrent run on the same dataset with a clear message', async () => {
    const c = join(root, 'c');
    // A run of this dataset is in progress (started, no worker has picked it up yet).
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const config = {
      numPatients: 4,
      simulationDaysPerPatient: 0.1,
      windowSizeMinutes: 5,
      outputDir: c,
      trainSplit: 0.7,
      valSplit: 0.15,
      batchSize: 2,
      randomSeed: 1,
      appendMode: true,
    };
    const first = await client.workflow.start('generateDataset', {
      taskQueue: 'diabetic-twin-dataset',
      workflowId: workflowIdFor(c),
      args: [config],
    });
    try {
      const second = await runCli(['generate', '--patients', '3', '--days', '0.1', '--out', c, '--workers', '1'], env);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /already running/);
      assert.match(second.stderr, /npm run resume -- --out/);
      // The refused run's own workers stopped; the first run finishes once a worker is there.
      const resumed = await runCli(['resume', '--out', c, '--workers', '1'], env);
      assert.equal(resumed.code, 0, resumed.stderr);
      await first.result();
      assert.equal(await scalar(db, `SELECT count(*) FROM ${tableGlob(c, 'patient_demographics')}`), 4);
    } finally {
      await connection.close();
    }
  });

  it('the README temporal workflow start line works against `worker`; bad input fails the workflow for good', async () => {
    const d = join(root, 'd');
    const worker = startCli(['worker', '--workers', '1'], env);
    try {
      const input = JSON.stringify({
        numPatients: 3,
        simulationDaysPerPatient: 0.1,
        windowSizeMinutes: 5,
        outputDir: d,
        trainSplit: 0.7,
        valSplit: 0.15,
        batchSize: 2,
        randomSeed: 5,
        appendMode: true,
      });
      await exec(TEMPORAL_BINARY, [
        'workflow',
        'start',
        '--address',
        server.address,
        '--type',
        'generateDataset',
        '--task-queue',
        'diabetic-twin-dataset',
        '--workflow-id',
        'cli-start-test',
        '--input',
        input,
      ]);
      const connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection });
      await client.workflow.getHandle('cli-start-test').result();
      assert.equal(await scalar(db, `SELECT count(*) FROM ${tableGlob(d, 'patient_demographics')}`), 3);

      // Only some keys: the rest take generate's defaults (3 days, window 5, horizons 30,60, …).
      const partial = join(root, 'partial');
      await exec(TEMPORAL_BINARY, [
        'workflow',
        'start',
        '--address',
        server.address,
        '--type',
        'generateDataset',
        '--task-queue',
        'diabetic-twin-dataset',
        '--workflow-id',
        'cli-partial-input',
        '--input',
        JSON.stringify({ numPatients: 2, outputDir: partial }),
      ]);
      await client.workflow.getHandle('cli-partial-input').result();
      assert.equal(await scalar(db, `SELECT count(*) FROM ${tableGlob(partial, 'patient_demographics')}`), 2);
      assert.equal(await scalar(db, `SELECT count(*) FROM (${allRows(partial)})`), 2 * (3 * 1440 - 5));
      assert.deepEqual(JSON.parse(readFileSync(join(partial, '_manifest.json'), 'utf8')).runs[0].config.forecastHorizonsMinutes, [30, 60]);

      const badInput = JSON.stringify({
        numPatients: -3,
        simulationDaysPerPatient: 0.1,
        windowSizeMinutes: 5,
        outputDir: join(root, 'never'),
        trainSplit: 0.7,
        valSplit: 0.15,
        batchSize: 2,
        randomSeed: 5,
        appendMode: true,
      });
      await exec(TEMPORAL_BINARY, [
        'workflow',
        'start',
        '--address',
        server.address,
        '--type',
        'generateDataset',
        '--task-queue',
        'diabetic-twin-dataset',
        '--workflow-id',
        'cli-bad-input',
        '--input',
        badInput,
      ]);
      await assert.rejects(client.workflow.getHandle('cli-bad-input').result(), (error: Error & { cause?: Error }) =>
        /numPatients/.test(error.cause?.message ?? ''),
      );
      const description = await client.workflow.getHandle('cli-bad-input').describe();
      assert.equal(description.status.name, 'FAILED');
      assert.equal(existsSync(join(root, 'never')), false);
      await connection.close();
    } finally {
      worker.child.kill('SIGTERM');
      await worker.done;
    }
  });

  it('two runs started at the same moment from the Temporal CLI never both write: the manifest always matches the files', async () => {
    const raced = join(root, 'raced');
    const worker = startCli(['worker', '--workers', '2'], env);
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    try {
      let committedRuns = 0;
      for (let round = 1; round <= 3; round++) {
        const input = JSON.stringify({ numPatients: 3, simulationDaysPerPatient: 0.05, outputDir: raced, batchSize: 2 });
        const ids = [`race-${round}-a`, `race-${round}-b`];
        await Promise.all(
          ids.map((id) =>
            exec(TEMPORAL_BINARY, [
              'workflow',
              'start',
              '--address',
              server.address,
              '--type',
              'generateDataset',
              '--task-queue',
              'diabetic-twin-dataset',
              '--workflow-id',
              id,
              '--input',
              input,
            ]),
          ),
        );
        const outcomes = await Promise.allSettled(ids.map((id) => client.workflow.getHandle(id).result()));
        for (const outcome of outcomes) {
          if (outcome.status === 'fulfilled') committedRuns++;
          else assert.match(String((outcome.reason as { cause?: Error }).cause?.message), /being written by another run/);
        }
        assert.ok(
          outcomes.some((o) => o.status === 'fulfilled'),
          `round ${round}: one run commits`,
        );
        const manifest = JSON.parse(readFileSync(join(raced, '_manifest.json'), 'utf8'));
        assert.equal(manifest.runs.length, committedRuns);
        assert.equal(new Set(manifest.runs.map((r: { runSeq: number }) => r.runSeq)).size, committedRuns, 'distinct run numbers');
        assert.equal(new Set(manifest.files.map((f: { path: string }) => f.path)).size, manifest.files.length, 'no file listed twice');
        assertCommittedLayout(raced);
        assert.equal(
          await scalar(db, `SELECT count(DISTINCT patient_id) FROM ${tableGlob(raced, 'patient_demographics')}`),
          3 * committedRuns,
        );
        assert.equal(manifest.totals.patient_demographics.rows, 3 * committedRuns);
      }
    } finally {
      await connection.close();
      worker.child.kill('SIGTERM');
      await worker.done;
    }
  });

  it('npm run cancel stops a running generation: the generate says it was cancelled, no staging or lease is left', async () => {
    const cancelled = join(root, 'cancelled');
    // Long enough (100 batches, about a minute) that the cancel lands well before the commit.
    const generation = startCli(
      ['generate', '--patients', '200', '--days', '3', '--batch-size', '2', '--out', cancelled, '--workers', '2'],
      env,
    );
    await waitFor('a batch staged', () => runStaged(cancelled), 60_000);
    const cancel = await runCli(['cancel', '--out', cancelled], env);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, /cancelled the generation of/);
    const result = await generation.done;
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr + result.stdout, /was cancelled; its staging was removed and committed data is untouched/);
    assert.doesNotMatch(result.stderr, /generation failed/);
    assert.equal(existsSync(join(cancelled, '_staging')), false, 'no staging left');
    assert.equal(existsSync(join(cancelled, '_manifest.json')), false, 'nothing was committed');
    // The dataset is free again.
    const next = await runCli(['generate', '--patients', '2', '--days', '0.05', '--out', cancelled, '--workers', '1'], env);
    assert.equal(next.code, 0, next.stderr);
  });

  it('a terminated run does not block the next: its lease is taken over and its staging removed, without npm run cancel', async () => {
    const terminated = join(root, 'terminated');
    const generation = startCli(
      ['generate', '--patients', '200', '--days', '3', '--batch-size', '2', '--out', terminated, '--workers', '2'],
      env,
    );
    const leasePath = join(terminated, '_staging', '_lease.json');
    await waitFor('a batch staged', () => runStaged(terminated), 60_000);
    const stale = JSON.parse(readFileSync(leasePath, 'utf8')) as { runId: string; workflowId: string };
    const connection = await Connection.connect({ address: server.address });
    try {
      await new Client({ connection }).workflow.getHandle(workflowIdFor(terminated)).terminate('test: terminated mid-batch');
    } finally {
      await connection.close();
    }
    const ended = await generation.done;
    assert.notEqual(ended.code, 0, ended.stdout + ended.stderr);
    assert.ok(existsSync(leasePath), 'the terminated run left its lease behind');
    assert.ok(runStaged(terminated), `and its staging: ${readdirSync(join(terminated, '_staging'))}`);

    const next = await runCli(['generate', '--patients', '2', '--days', '0.05', '--out', terminated, '--workers', '1'], env);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(existsSync(join(terminated, '_staging')), false, 'no staging left, the terminated run’s included');
    const manifest = JSON.parse(readFileSync(join(terminated, '_manifest.json'), 'utf8'));
    assert.equal(manifest.totals.patient_demographics.rows, 2);
    assert.match(runLog(terminated), new RegExp(`took over the lease of .* from run ${stale.runId} \\(workflow ${stale.workflowId}`));
  });

  it('--workers 0 says how to start workers elsewhere, then waits for them', async () => {
    const run = startCli(['generate', '--patients', '2', '--days', '0.1', '--out', join(root, 'elsewhere'), '--workers', '0'], env);
    try {
      await waitFor('the hint', () => /no worker runs here \(--workers 0\)/.test(run.output().stderr), 30_000);
      assert.match(run.output().stderr, new RegExp(`TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS.replace(/\./g, '\\.')} npm run worker`));
    } finally {
      process.kill(-run.child.pid!, 'SIGINT');
      await run.done;
    }
  });

  it('the embedded server keeps a closed run a day, so its state file does not grow with every run', async () => {
    const { stdout } = await exec(TEMPORAL_BINARY, ['operator', 'namespace', 'describe', '--address', server.address, '-n', 'default']);
    assert.match(stdout, new RegExp(`WorkflowExecutionRetentionTtl\\s+${EMBEDDED_RETENTION}0m0s`));
    assert.match(stdout, new RegExp(`Description\\s+${EMBEDDED_NAMESPACE_DESCRIPTION}`));
  });

  it('starts its own embedded dev server when no address is configured', async () => {
    const e = join(root, 'e');
    const { port, env: embedded } = await embeddedServerEnv();
    const result = await runCli(['generate', '--patients', '2', '--days', '0.1', '--out', e, '--workers', '1'], embedded);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`started embedded Temporal dev server on 127.0.0.1:${port}`));
    assert.doesNotMatch(result.stderr, /\bWARN\b/, 'a first run prints no warning');
    assert.equal(await scalar(db, `SELECT count(*) FROM ${tableGlob(e, 'patient_demographics')}`), 2);
  });

  it('a dev server whose port an outgoing connection holds says why it stopped: its own last line', async () => {
    // A connection's local port is taken without a listener, so nothing answers there: the case a
    // probed free port meets when a connection picks it before the server binds it.
    const peer = createServer();
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const connection = connect((peer.address() as { port: number }).port, '127.0.0.1');
    await new Promise<void>((resolve) => connection.once('connect', () => resolve()));
    const port = connection.localPort!;
    try {
      await assert.rejects(startDevServer({ port }), (error: Error) => {
        assert.ok(error instanceof DevServerStartError, String(error));
        assert.match(error.message, new RegExp(`port ${port} exited during start-up: .*address already in use`));
        return true;
      });
    } finally {
      connection.destroy();
      await new Promise((resolve) => peer.close(resolve));
    }
  });

  it('a run with many batches continues as new before its history grows large, and still commits once', async () => {
    const f = join(root, 'many-batches');
    const result = await runCli(
      ['generate', '--patients', '1200', '--days', '0.01', '--batch-size', '1', '--out', f, '--workers', '2', '--quiet', '--json'],
      env,
    );
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
    assert.equal(summary.patients, 1200);
    const connection = await Connection.connect({ address: server.address });
    try {
      const statuses: string[] = [];
      for await (const execution of new Client({ connection }).workflow.list({ query: `WorkflowId = '${workflowIdFor(f)}'` }))
        statuses.push(execution.status.name);
      assert.ok(statuses.includes('CONTINUED_AS_NEW'), statuses.join(','));
      assert.equal(statuses.filter((s) => s === 'COMPLETED').length, 1);
    } finally {
      await connection.close();
    }
    const manifest = JSON.parse(readFileSync(join(f, '_manifest.json'), 'utf8'));
    assert.equal(manifest.runs.length, 1);
    assert.equal(await scalar(db, `SELECT count(DISTINCT patient_id) FROM ${tableGlob(f, 'patient_demographics')}`), 1200);
    assert.equal(await scalar(db, `SELECT count(*) FROM (${allRows(f)})`), 1200 * (Math.round(0.01 * 1440) - 5));
  });
});
