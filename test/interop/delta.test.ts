// The tables as Delta Lake tables, read by the real readers (delta-rs, Polars, Spark with
// delta-spark): rows and labels as the manifest says, time travel, an overwrite; and readers that
// poll a dataset while runs commit see whole runs only (local directory and S3).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CONFIG, validateRunConfig } from '../../src/config/config.ts';
import { commitRun } from '../../src/pipeline/commit.ts';
import { planRun } from '../../src/pipeline/plan.ts';
import { stageBatch } from '../../src/pipeline/stage.ts';
import { TABLES, type TableName } from '../../src/storage/layout.ts';
import { LocalStore } from '../../src/storage/localStore.ts';
import type { Manifest } from '../../src/storage/manifest.ts';
import type { ObjectStore } from '../../src/storage/objectStore.ts';
import { S3Store, s3ClientFromEnvironment } from '../../src/storage/s3Store.ts';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { PROJECT_ROOT, runCli } from '../helpers/cli.ts';
import { runPython } from '../helpers/python.ts';
import { startTestS3, type TestS3 } from '../helpers/s3Server.ts';
import { startTestTemporal } from '../helpers/servers.ts';

interface TableReport {
  version: number;
  history: number;
  deltars_rows: number;
  deltars_rows_v0: number | null;
  polars_rows: number;
  polars_scan_rows: number;
  spark_rows: number;
  spark_rows_v0: number | null;
  spark_label_sums: Record<string, number>;
  stats_files_checked: number;
  stats_mismatches: number;
  stats_rows: number;
  files: number;
  deltars_label_sums: Record<string, number>;
  deltars_timestamp?: string;
  polars_timestamp?: string;
  spark_timestamp?: string;
}

const checkDelta = (args: string[], env: Record<string, string> = {}) =>
  runPython([join(PROJECT_ROOT, 'test/interop/check_delta.py'), ...args], env);

const manifestAt = (dir: string): Manifest => JSON.parse(execFileSync('cat', [join(dir, '_manifest.json')], { encoding: 'utf8' }));
const splitOf = (table: TableName) => table.replace('timeseries_features_', '') as 'train' | 'val' | 'test';

before(() => {
  execFileSync('bash', [join(PROJECT_ROOT, 'scripts/ensure-venv.sh')], { stdio: 'inherit' });
});

describe('Delta Lake tables, read by delta-rs, Polars and Spark', () => {
  let server: DevServer;
  let dataset: string;
  before(async () => {
    server = await startTestTemporal();
    dataset = join(mkdtempSync(join(tmpdir(), 'delta-')), 'ds');
  });
  after(async () => server?.stop());

  const generate = async (...args: string[]) => {
    const result = await runCli(['generate', '--days', '0.3', '--seed', '8', '--out', dataset, '--workers', '1', ...args], {
      TEMPORAL_ADDRESS: server.address,
    });
    assert.equal(result.code, 0, result.stderr);
  };

  it('two runs are versions 0 and 1 of every table: rows and labels as the manifest says, time travel to run 1, a UTC timestamp', async () => {
    await generate('--patients', '5');
    const firstRun = manifestAt(dataset).runs[0]!;
    await generate('--patients', '3');
    const manifest = manifestAt(dataset);
    const report = JSON.parse(await checkDelta(['tables', dataset])) as Record<TableName, TableReport>;
    for (const table of TABLES) {
      const seen = report[table];
      const rows = manifest.totals[table].rows;
      assert.equal(seen.version, 1, table);
      assert.equal(seen.history, 2, table);
      assert.deepEqual([seen.deltars_rows, seen.polars_rows, seen.polars_scan_rows, seen.spark_rows], [rows, rows, rows, rows], table);
      assert.deepEqual([seen.deltars_rows_v0, seen.spark_rows_v0], [firstRun.rowsPerTable[table], firstRun.rowsPerTable[table]], table);
      // Each file's stats (rows; patient_id and timestamp bounds, read by delta-rs) match the file itself.
      assert.equal(seen.stats_rows, rows, table);
      assert.equal(seen.stats_mismatches, 0, table);
      assert.equal(seen.stats_files_checked, manifest.files.filter((f) => f.table === table && f.rows > 0).length, table);
      if (table === 'patient_demographics') continue;
      assert.deepEqual(seen.spark_label_sums, manifest.labelCounts[splitOf(table)], table);
      assert.deepEqual(seen.deltars_label_sums, manifest.labelCounts[splitOf(table)], table);
      assert.equal(seen.deltars_timestamp, 'timestamp[us, tz=UTC]');
      assert.equal(seen.polars_timestamp, "Datetime(time_unit='us', time_zone='UTC')");
      assert.equal(seen.spark_timestamp, 'timestamp', 'Spark TimestampType (an instant), not timestamp_ntz');
    }
    assert.ok(manifest.totals.timeseries_features_train.rows > 0);
  });

  it('an overwrite (--no-append) is one version later; the versions before it no longer read (their files are deleted)', async () => {
    await generate('--patients', '2', '--no-append');
    const manifest = manifestAt(dataset);
    const report = JSON.parse(await checkDelta(['tables', dataset])) as Record<TableName, TableReport>;
    for (const table of TABLES) {
      const seen = report[table];
      assert.equal(seen.version, 2, table);
      assert.equal(seen.deltars_rows, manifest.totals[table].rows, table);
      assert.equal(seen.spark_rows, manifest.totals[table].rows, table);
      assert.equal(seen.deltars_rows_v0, null, `${table}: version 0 is gone with its files (delta-rs)`);
      assert.equal(seen.spark_rows_v0, null, `${table}: version 0 is gone with its files (Spark)`);
    }
  });
});

/** A real store whose commit can be held before publishing a demographics part (the test's hook). */
class PausableStore {
  private paused: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private held = 0;
  private inFlight = 0;

  constructor(readonly inner: ObjectStore) {}

  pauseBeforeDemographics(): void {
    this.paused = new Promise((resolve) => (this.release = resolve));
  }

  /** Resolves once a demographics part is held and every other publish has finished: the series parts are out. */
  async holding(): Promise<void> {
    while (this.held === 0 || this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  resume(): void {
    this.release?.();
    this.paused = undefined;
    this.held = 0;
  }

  store(): ObjectStore {
    return new Proxy(this.inner, {
      get: (target, property, receiver) => {
        if (property === 'publish') {
          return async (from: string, to: string) => {
            if (this.paused && to.startsWith('patient_demographics.parquet/')) {
              this.held++;
              await this.paused;
              return target.publish(from, to);
            }
            this.inFlight++;
            try {
              return await target.publish(from, to);
            } finally {
              this.inFlight--;
            }
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}

async function commitSmallRun(store: ObjectStore, outputDir: string, runNumber: number): Promise<void> {
  const config = validateRunConfig({
    ...DEFAULT_CONFIG,
    numPatients: 2 + (runNumber % 2),
    batchSize: 2,
    simulationDaysPerPatient: 0.1,
    forecastHorizonsMinutes: [],
    randomSeed: 11,
    outputDir,
  });
  const plan = await planRun(store, config, {
    runId: `01936c2e-0000-7000-8000-${String(runNumber).padStart(12, '0')}`,
    workflowId: `reader-loop-${runNumber}`,
    startedAt: new Date().toISOString(),
  });
  for (let batch = 0; batch < plan.batchCount; batch++) await stageBatch(store, plan, batch, async () => {});
  await commitRun(store, plan, new Date().toISOString());
}

async function readerLoop(inner: ObjectStore, root: string, env: Record<string, string>) {
  const pausable = new PausableStore(inner);
  const store = pausable.store();
  await commitSmallRun(store, root, 1);
  // A commit held between two published parts: the plain directory shows a partial run, Delta does not.
  pausable.pauseBeforeDemographics();
  const held = commitSmallRun(store, root, 2);
  await pausable.holding();
  const duringCommit = JSON.parse(await checkDelta(['snapshot', root], env)) as Record<string, number | boolean>;
  pausable.resume();
  await held;
  // Then a reader polls while five more runs commit.
  const stopFile = join(mkdtempSync(join(tmpdir(), 'reader-loop-')), 'stop');
  const polling = checkDelta(['poll', root, stopFile], env);
  for (let run = 3; run <= 7; run++) await commitSmallRun(store, root, run);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  writeFileSync(stopFile, '');
  const loop = JSON.parse(await polling) as {
    snapshots: number;
    delta_partial: number;
    plain_reads: number;
    plain_partial: number;
    plain_errors: number;
    versions: number[];
  };
  return { duringCommit, loop };
}

describe('a reader polling a growing dataset sees whole runs only through Delta', () => {
  it('local directory: no partial Delta snapshot; the plain directory read during a held commit is partial', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'reader-loop-ds-')), 'ds');
    const { duringCommit, loop } = await readerLoop(new LocalStore(root), root, {});
    assert.equal(duringCommit.delta_whole, true, JSON.stringify(duringCommit));
    assert.equal(duringCommit.plain_whole, false, `the plain read must see the half-published run: ${JSON.stringify(duringCommit)}`);
    assert.equal(duringCommit.version, 0);
    assert.ok(loop.snapshots >= 5, JSON.stringify(loop));
    assert.equal(loop.delta_partial, 0, JSON.stringify(loop));
    assert.ok(Math.max(...loop.versions) === 6, `the reader saw the last run: ${JSON.stringify(loop)}`);
    console.log(`reader loop (local): ${JSON.stringify(loop)}; during the held commit: ${JSON.stringify(duringCommit)}`);
  });

  describe('on S3 (versitygw)', () => {
    let s3: TestS3;
    before(async () => {
      s3 = await startTestS3();
      s3.createBucket('lake');
    });
    after(async () => s3?.stop());

    it('no partial Delta snapshot; the plain read during a held commit is partial', async () => {
      const root = 's3://lake/reader-loop';
      const saved = { ...process.env };
      Object.assign(process.env, s3.env);
      try {
        const { duringCommit, loop } = await readerLoop(new S3Store(root, s3ClientFromEnvironment()), root, s3.env);
        assert.equal(duringCommit.delta_whole, true, JSON.stringify(duringCommit));
        assert.equal(duringCommit.plain_whole, false, JSON.stringify(duringCommit));
        assert.equal(loop.delta_partial, 0, JSON.stringify(loop));
        assert.ok(Math.max(...loop.versions) === 6, JSON.stringify(loop));
        console.log(`reader loop (S3): ${JSON.stringify(loop)}; during the held commit: ${JSON.stringify(duringCommit)}`);
      } finally {
        process.env = saved;
      }
    });
  });
});
